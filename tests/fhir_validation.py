"""FHIR R4 validation by the offline npm validators (tests/fhir/validate.js: FHIR.js and
@asymmetrik/fhir-json-schema-validator), installed by `make test` from package-lock.json.
In CI a missing Node or package fails the test; elsewhere it is skipped with the reason."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(__file__).parent / "fhir" / "validate.js"
PACKAGES = ("fhir", "@asymmetrik/fhir-json-schema-validator")


def validate_r4(text: str) -> dict[str, Any]:
    node = shutil.which("node")
    missing = [p for p in PACKAGES if not (ROOT / "node_modules" / p / "package.json").exists()]
    if node is None or missing:
        reason = "Node.js is not installed" if node is None else f"npm packages missing: {missing}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (run `make test`, which runs npm ci)")
        pytest.skip(reason)
    done = subprocess.run(
        [node, str(SCRIPT)], input=text, capture_output=True, text=True, cwd=ROOT, check=False,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)
