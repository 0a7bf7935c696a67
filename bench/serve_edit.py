#!/usr/bin/env python3
"""Time from saving an edit to the browser's reload signal, with `arshif serve`.

Usage: bench/serve_edit.py SITE_DIR [EDITS]

Starts `target/release/arshif serve` on SITE_DIR (e.g. the 28k corpus
imported with `arshif import`), waits for the first build, subscribes to
the live-reload stream like a browser tab, then appends a sentence to
EDITS different articles one after the other (default 5) and measures,
for each, the time from the write to the `reload` event and to the new
text being served. The files are restored afterwards. A benchmark, not a
test: it prints figures and judges nothing.
"""
import glob, os, socket, statistics, subprocess, sys, threading, time, urllib.request

# Seconds without a reload event after which the server counts as idle
# (longer than training a stale related model again in the background, which
# ends with a reload of its own).
QUIET = 15.0

def main():
    site = sys.argv[1]
    edits = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    binary = os.path.join(os.path.dirname(__file__), "..", "target", "release", "arshif")
    started = time.monotonic()
    log_path = os.path.join(site, ".serve-bench.log")
    log = open(log_path, "w")
    server = subprocess.Popen([binary, "serve", "-v", "--root", site, "--port", "0"],
                              stdout=subprocess.PIPE, stderr=log, text=True)
    try:
        line = server.stdout.readline()
        print(f"first build and start: {time.monotonic() - started:.1f} s")
        base = line.split(" at ")[1].split()[0]
        host, port = base.split("//")[1].rstrip("/").split(":")
        events = []
        def listen():
            sock = socket.create_connection((host, int(port)))
            sock.sendall(b"GET /__arshif/events HTTP/1.1\r\nHost: x\r\n\r\n")
            buffer = b""
            while True:
                chunk = sock.recv(4096)
                if not chunk:
                    return
                buffer += chunk
                while b"\n" in buffer:
                    raw, buffer = buffer.split(b"\n", 1)
                    if raw.startswith(b"event: "):
                        events.append((time.monotonic(), raw[7:].strip().decode()))
        threading.Thread(target=listen, daemon=True).start()
        time.sleep(0.5)
        files = sorted(glob.glob(os.path.join(site, "content", "**", "*.md"), recursive=True))
        step = max(1, len(files) // (edits + 1))
        to_event, to_served = [], []
        for n in range(edits):
            path = files[(n + 1) * step]
            original = open(path, encoding="utf-8").read()
            # No digits: the page isolates numbers in <bdi>, the marker must stay one run of text.
            marker = "جملة مضافة للقياس " + ["أولى", "ثانية", "ثالثة", "رابعة", "خامسة", "سادسة", "سابعة", "ثامنة", "تاسعة", "عاشرة"][n % 10] + "."
            seen = len(events)
            try:
                written = time.monotonic()
                with open(path, "w", encoding="utf-8") as f:
                    f.write(original + "\n" + marker + "\n")
                while len(events) == seen and time.monotonic() - written < 30:
                    time.sleep(0.002)
                if len(events) == seen:
                    print(f"edit {n}: no reload event within 30 s")
                    continue
                at, name = events[seen]
                to_event.append(at - written)
                slug = os.path.splitext(os.path.basename(path))[0]
                year_month = [l for l in original.splitlines() if l.startswith("date:")][0].split()[1].strip("'\"")[:7].replace("-", "/")
                url = f"{base}{year_month}/{slug}/"
                body = urllib.request.urlopen(url).read().decode()
                to_served.append(time.monotonic() - written)
                ok = marker in body
                print(f"edit {n}: {name} after {1000 * (at - written):.0f} ms, page with the edit served after "
                      f"{1000 * (time.monotonic() - written):.0f} ms ({'ok' if ok else 'EDIT NOT SEEN'})")
            finally:
                # Restore, and wait until the server is quiet (the restore's
                # rebuild, and a retraining of the related model the edit or
                # the restore may have scheduled): the next edit's reload
                # event must be its own.
                with open(path, "w", encoding="utf-8") as f:
                    f.write(original)
                restored = time.monotonic()
                last = (len(events), time.monotonic())
                while time.monotonic() - restored < 120:
                    time.sleep(0.05)
                    if len(events) != last[0]:
                        last = (len(events), time.monotonic())
                    elif time.monotonic() - last[1] > QUIET and len(events) > seen:
                        break
        if to_event:
            print(f"median to reload event: {1000 * statistics.median(to_event):.0f} ms; "
                  f"to edited page served: {1000 * statistics.median(to_served):.0f} ms (n={len(to_event)})")
    finally:
        server.terminate()
        server.wait()
        log.close()
        print("the server's own account of its rebuilds:")
        for line in open(log_path, encoding="utf-8"):
            if line.startswith("rebuilt in") or line.startswith("  stages"):
                print("  " + line.rstrip())
        os.remove(log_path)

if __name__ == "__main__":
    main()
