"""The agent: a turn loop that retrieves, prompts, streams, parses tool calls, gates and executes."""
