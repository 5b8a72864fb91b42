#!/usr/bin/env bash
# The slowest tests of the last nextest run (its JUnit report, target/nextest/default/junit.xml),
# with their seconds: `bash scripts/slowest-tests.sh [N] [REPORT]` (default 25, that report).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python3 - "${2:-$here/target/nextest/default/junit.xml}" "${1:-25}" <<'PY'
import sys
import xml.etree.ElementTree as ET
cases = [(float(c.get("time", 0)), f'{c.get("classname")} {c.get("name")}')
         for c in ET.parse(sys.argv[1]).getroot().iter("testcase")]
print(f"{len(cases)} tests, {sum(t for t, _ in cases):.0f} s in all")
for t, name in sorted(cases, reverse=True)[: int(sys.argv[2])]:
    print(f"{t:8.1f} s  {name}")
PY
