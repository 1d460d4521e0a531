"""What every notebook here needs: the lsm-spark checkout and a way to run bin/lsm."""
import os
import subprocess
from pathlib import Path


def project_root():
    """The lsm-spark checkout: LSM_HOME, else the first folder up from here with bin/lsm."""
    if os.environ.get("LSM_HOME"):
        return Path(os.environ["LSM_HOME"]).resolve()
    for d in [Path.cwd(), *Path.cwd().parents]:
        if (d / "bin" / "lsm").is_file():
            return d
    raise SystemExit("cannot find the lsm-spark checkout: set LSM_HOME")

ROOT = project_root()

def lsm(*args):
    """Runs bin/lsm; its log (stderr) is returned, and shown in full when it fails."""
    p = subprocess.run([str(ROOT / "bin" / "lsm"), *map(str, args)], capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"lsm {args[0]} failed ({p.returncode}):\n{p.stderr[-4000:]}")
    return p.stderr
