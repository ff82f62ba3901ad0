"""`python -m brewline` is the `brewline` command."""
from brewline.cli import main

main()
