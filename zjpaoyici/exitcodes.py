"""Exit codes, the same for every command: 0 success, 1 findings or a failed gate,
2 usage error or unreadable input, 3 internal error."""

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
