"""Build the scale dataset (bench/scale_dataset.py) on the database DATABASE_URL names:

    DATABASE_URL=<bench database> DJANGO_DEBUG=true python bench/seed_scale.py --families 2000

A benchmark tool beside the app rather than a management command of it.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "familjelotsen.settings")

import django  # noqa: E402 - after the settings module is named

django.setup()

from django.core.management import call_command  # noqa: E402 - needs the apps loaded

from bench.scale_dataset import Command  # noqa: E402 - needs the apps loaded

if __name__ == "__main__":
    call_command(Command(), *sys.argv[1:])
