"""The local model runtime: model directories, GGUF import, and the one MLX thread that serves them."""
