"""The subcommands of `secreview`, one module each, over the helpers in `common`."""
