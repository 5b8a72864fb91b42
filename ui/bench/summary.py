"""Prints the UI bench's result: a few lines to read at a glance, then the whole JSON."""
import json
import sys

r = json.load(sys.stdin)
if "error" in r:
    print("bench: the scenario failed:", r["error"])
    sys.exit(1)
first, one = r["first_render"], r["one_row_change"]


def spread(s):
    return f"min {s['min']:.1f}, median {s['median']:.1f}, p90 {s['p90']:.1f}, max {s['max']:.1f}"


print(f"rows: {r['rows']} ({one['payload_bytes']} bytes of view JSON); "
      f"rows in the DOM: {first['dom_rows']}")
print(f"first render: {first['render_ms']:.1f} ms to DOM (parse {first['parse_ms']:.1f}), "
      f"{first['paint_ms']:.1f} ms to paint")
print(f"one row changed, {one['rounds']} rounds, to DOM:   {spread(one['render_ms'])}")
print(f"                              parse:    {spread(one['parse_ms'])}")
print(f"                              to paint: {spread(one['paint_ms'])}")
print(f"idle frame interval: {spread(r['idle_frame_interval_ms'])}")
checks = {
    "tapped row far down shown, focused, blinking":
        all(r["focus_far_row"][k] for k in ("present", "visible", "focused", "blinking")),
    "scrolling renders the rows on screen": r["navigation"]["scrolled_row_rendered"],
    "ArrowDown / End / Home": all(r["navigation"][k] == "ok" for k in ("arrow_down", "end", "home")),
    "few rows: all in the DOM": r["few_rows"]["rows"] == r["few_rows"]["dom_rows"],
    "OS permission states": [r["permission"][k]["state"] for k in ("granted", "denied", "no_server")]
        == ["granted", "denied", "denied"],
}
for name, ok in checks.items():
    print(f"check: {name}: {'ok' if ok else 'FAILED'}")
print(json.dumps(r, indent=1))
sys.exit(0 if all(checks.values()) else 1)
