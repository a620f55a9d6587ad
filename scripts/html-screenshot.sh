#!/usr/bin/env bash
# Opens an HTML report in headless Chromium, takes a screenshot and checks that the charts
# rendered: the Pareto bars and curve, and the dots of the portfolio matrix.
#
#   scripts/html-screenshot.sh REPORT.html SHOT.png
#   scripts/html-screenshot.sh --pages PAGE.html OUT.pdf   # prints it to PDF: "pages: N"
#
# Installs Chromium with apt-get when it is missing (needs root and the network).
# Exit codes: 0 the charts rendered; 1 they did not (the reasons are printed);
# 77 skipped: Chromium is not there and cannot be installed, or cannot run here. A skip is
# always announced on stderr with the reason, never silent.
set -uo pipefail

mode=shot
if [ "${1:-}" = "--pages" ]; then
    mode=pages
    shift
fi
if [ $# -ne 2 ]; then
    echo "usage: $0 REPORT.html SHOT.png | $0 --pages PAGE.html OUT.pdf" >&2
    exit 2
fi
html=$(realpath "$1")
shot=$2
skip() {
    echo "SKIP: $*" >&2
    exit 77
}

find_chromium() {
    for c in chromium chromium-browser google-chrome; do
        if command -v "$c" >/dev/null 2>&1; then
            command -v "$c"
            return 0
        fi
    done
    return 1
}

browser=$(find_chromium)
if [ -z "$browser" ]; then
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        skip "chromium is not installed and apt-get cannot install it here (needs root and apt-get)"
    fi
    echo "chromium is missing: installing it with apt-get" >&2
    if ! (apt-get update && apt-get install -y chromium) >/tmp/procura-chromium-install.log 2>&1; then
        skip "chromium could not be installed with apt-get (see /tmp/procura-chromium-install.log)"
    fi
    browser=$(find_chromium) || skip "chromium was installed but is not on PATH"
fi
command -v python3 >/dev/null 2>&1 || skip "python3 is needed to check the screenshot"

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
rm -f "$shot"
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
    --disable-background-networking --disable-component-update --disable-sync
    --user-data-dir="$profile")

if [ "$mode" = pages ]; then
    timeout 120 "$browser" "${flags[@]}" --no-pdf-header-footer --print-to-pdf="$shot" \
        "file://$html" >"$profile/log" 2>&1
    if [ ! -s "$shot" ]; then
        tail -5 "$profile/log" >&2
        skip "chromium ($browser) ran but wrote no PDF"
    fi
    python3 - "$shot" <<'PY'
import re, sys
pdf = open(sys.argv[1], "rb").read()
pages = re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf)
print("pages: %d" % len(pages))
PY
    exit 0
fi
timeout 120 "$browser" "${flags[@]}" --hide-scrollbars --screenshot="$shot" \
    --window-size=1280,2000 "file://$html" >"$profile/log" 2>&1
if [ ! -s "$shot" ]; then
    tail -5 "$profile/log" >&2
    skip "chromium ($browser) ran but wrote no screenshot"
fi

python3 - "$shot" <<'PY'
"""Decodes the PNG with zlib alone and checks the chart colours where the charts are."""
import struct, sys, zlib

def decode(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, head = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            head = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = head
    assert depth == 8 and ctype in (2, 6) and interlace == 0, f"unsupported PNG {head}"
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pr) & 255
        rows.append(line)
        prev = line
    return w, h, bpp, rows

w, h, bpp, rows = decode(sys.argv[1])

def near(px, rgb, tol=24):
    return all(abs(px[i] - rgb[i]) <= tol for i in range(3))

def find(rgb, y0=0, y1=None):
    """Pixels of one colour: count, first and last row."""
    n, first, last = 0, None, None
    for y in range(y0, y1 if y1 is not None else h):
        line = rows[y]
        for x in range(0, w * bpp, bpp):
            if near(line[x:x + 3], rgb):
                n += 1
                first = y if first is None else first
                last = y
    return n, first, last

failures = []
scale = w / 1280
# The dashed cut-off lines (#c0392b) are drawn only in the Pareto chart: they locate it.
cut, first_red, _ = find((0xc0, 0x39, 0x2b))
print(f"cut-off lines: {cut} px, first at row {first_red}")
if cut < 100 or first_red is None:
    failures.append("no cut-off lines: the Pareto chart did not render")
else:
    region_top = max(0, first_red - int(60 * scale))
    region_bottom = min(h, first_red + int(420 * scale))
    bars, _, _ = find((0x1f, 0x5f, 0x8b), region_top, region_bottom)
    print(f"pareto region rows {region_top}-{region_bottom}: class-A bars {bars} px")
    if bars < 800:
        failures.append("no Pareto bars")
    nonwhite = sum(1 for y in range(region_top, region_bottom)
                   for x in range(0, w * bpp, bpp)
                   if not near(rows[y][x:x + 3], (255, 255, 255), 6))
    area = (region_bottom - region_top) * w
    print(f"pareto region: {nonwhite} of {area} px drawn")
    if nonwhite < area // 50:
        failures.append("the Pareto region is nearly empty")
    # The curve: dark pixels inside the plot, whose left and right ends the cut-off lines
    # mark; the axis labels (dark text too) are all outside it.
    def red_xs(y):
        # Reddish, not exact: a thin dashed line is blended with the white around it.
        return [x // bpp for x in range(0, w * bpp, bpp)
                if rows[y][x] - rows[y][x + 1] > 50 and rows[y][x] - rows[y][x + 2] > 50]
    line_row = max(range(first_red, min(h, first_red + int(40 * scale))),
                   key=lambda y: len(red_xs(y)))
    reds = red_xs(line_row)
    x0, x1 = min(reds) + 3, max(reds) - 3
    curve = sum(1 for y in range(line_row - int(10 * scale), line_row + int(300 * scale))
                for x in range(x0 * bpp, x1 * bpp, bpp)
                if near(rows[y][x:x + 3], (0x22, 0x22, 0x22)))
    print(f"pareto curve: {curve} px")
    if curve < 200:
        failures.append("no cumulative curve in the Pareto chart")
    # The matrix: its alternate bands are the only #ececec on the page. Its dots are the
    # coloured (not grey) pixels in and around the bands.
    band_rows = [y for y in range(region_bottom, h)
                 if sum(1 for x in range(0, w * bpp, bpp) if rows[y][x:x + 3] == b"\xec\xec\xec") > 200 * scale]
    if not band_rows:
        failures.append("no portfolio matrix below the Pareto chart")
    else:
        band = next((k for k in range(1, len(band_rows))
                     if band_rows[k] != band_rows[0] + k), len(band_rows))
        start = max(0, band_rows[0] - band)
        end = min(h, band_rows[-1] + band + 1)
        coloured = sum(1 for y in range(start, end) for x in range(0, w * bpp, bpp)
                       if max(rows[y][x:x + 3]) - min(rows[y][x:x + 3]) > 40)
        print(f"matrix rows {start}-{end}: {coloured} coloured px")
        if coloured < int(1000 * scale * scale):
            failures.append("the portfolio matrix shows (almost) no dots")

if failures:
    print("FAIL: " + "; ".join(failures), file=sys.stderr)
    sys.exit(1)
print("OK: the Pareto chart and the portfolio matrix rendered")
PY
