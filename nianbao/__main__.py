"""`python -m nianbao` runs the command line."""

from nianbao.cli.main import main

main()
