"""`python -m service` is the `brewline` command."""
from service.cli import main

main()
