import sys

from engine.cli import command

sys.exit(command())
