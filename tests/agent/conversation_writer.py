"""A child process that appends numbered messages to one conversation and prints each number
once its append has returned (committed)."""

from __future__ import annotations

import sys

from app.conversations import ConversationStore


def main() -> None:
    conversation_id, writer, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store = ConversationStore()
    for n in range(count):
        store.append(conversation_id, {"role": "user", "content": f"{writer}:{n}", "pad": "x" * 2000})
        print(n, flush=True)


if __name__ == "__main__":
    main()
