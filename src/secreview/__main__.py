"""Allow `python -m secreview` to behave exactly like the `secreview` command."""

from secreview.cli import main

if __name__ == "__main__":
    main()
