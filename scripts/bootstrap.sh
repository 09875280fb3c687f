#!/usr/bin/env bash
# Create .venv and install footprint with every extra (MySQL driver, offline speech model, tests).
# Debian packages needed first: pkg-config libmariadb-dev (mysqlclient), ffmpeg and espeak-ng
# (simulated videos), chromium (HTML report test). .ci/run installs them; see the README.
set -euo pipefail
cd "$(dirname "$0")/.."

python_bin=${PYTHON:-python3.11}
command -v "$python_bin" >/dev/null 2>&1 || python_bin=python3

if [ ! -x .venv/bin/python ]; then
    "$python_bin" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade "pip>=24" "setuptools>=68,<81" wheel
.venv/bin/python -m pip install --quiet -e ".[all]"
# face-recognition requires the dlib source distribution, so it is installed without dependencies;
# dlib-bin (installed above) provides the same dlib module prebuilt.
.venv/bin/python -m pip install --quiet --no-deps face-recognition==1.3.0
.venv/bin/python -c "import face_recognition, faster_whisper, MySQLdb; print('footprint installed in .venv')"
