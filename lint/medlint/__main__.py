"""`python -m medlint` runs the same command line as the `medlint` script."""

from medlint.cli import main

if __name__ == "__main__":
    main()
