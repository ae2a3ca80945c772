"""Start the looplint language server from the Python packages bundled in the VS Code extension.

Copied by scripts/bundle_python.py to ``bundled/tool/launch.py`` in the extension. The client runs
it as ``<python> -I bundled/tool/launch.py``; it does what ``<python> -m looplint server`` does, with
the bundled packages first on ``sys.path``:

    bundled/libs/cpXY/   packages with compiled parts, built for CPython X.Y (libcst, pyyaml, ...)
    bundled/libs/common/ pure-Python packages shared by every supported version (looplint, pygls, ...)

A script rather than ``-m``: ``-m`` would put the working directory (the user's workspace) first on
``sys.path``, where any stray ``json.py`` or ``libcst/`` would shadow the real thing.
"""

import os
import re
import runpy
import sys


def main() -> None:
    libs = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "libs")
    tag = "cp%d%d" % sys.version_info[:2]
    versioned = os.path.join(libs, tag)
    if not os.path.isdir(versioned):
        available = sorted(d for d in os.listdir(libs) if re.fullmatch(r"cp3\d+", d)) if os.path.isdir(libs) else []
        sys.stderr.write(
            "looplint: the bundled server has no packages for Python %d.%d (bundled: %s)\n"
            % (sys.version_info[0], sys.version_info[1], ", ".join(available) or "none")
        )
        sys.exit(2)
    # Our own directory is sys.path[0] on 3.10 (-I implies -P only from 3.11 on): drop it.
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    sys.path[0:0] = [versioned, os.path.join(libs, "common")]
    sys.argv = ["looplint", "server", *sys.argv[1:]]
    runpy.run_module("looplint", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
