#!/usr/bin/env python3
"""Draws photo-like JPEGs (sky, sun, hills, a grain like a camera's) for the
sample archive, the test fixtures and the photo benchmark. Every picture is
made here from a seed, so the repository holds no one else's photos.

    draw_photos.py OUT.jpg [--size 1600x1067] [--seed N] [--quality 85]
    draw_photos.py --many N --into DIR [--size 1600x1067] [--distinct 40]   # DIR/photo-00000.jpg …

Needs Pillow (pip install pillow).
"""

import argparse
import os
import random
import sys

from PIL import Image, ImageDraw, ImageFilter


def draw(seed, width, height):
    rnd = random.Random(seed)
    image = Image.new("RGB", (width, height))
    d = ImageDraw.Draw(image)
    top = (rnd.randint(40, 120), rnd.randint(90, 160), rnd.randint(170, 240))
    bottom = (rnd.randint(200, 255), rnd.randint(160, 220), rnd.randint(120, 200))
    horizon = int(height * rnd.uniform(0.45, 0.7))
    for y in range(horizon):
        t = y / max(horizon - 1, 1)
        d.line([(0, y), (width, y)], fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom)))
    sun_x, sun_y, r = rnd.randint(0, width), rnd.randint(0, horizon), rnd.randint(height // 20, height // 8)
    d.ellipse([sun_x - r, sun_y - r, sun_x + r, sun_y + r], fill=(255, 236, 180))
    for layer in range(4):
        shade = 30 + layer * 25 + rnd.randint(0, 20)
        colour = (shade // 2, shade + rnd.randint(10, 50), shade // 3)
        base = horizon + layer * (height - horizon) // 5
        points = [(0, height)]
        x = 0
        while x <= width:
            points.append((x, base - rnd.randint(0, height // 6)))
            x += rnd.randint(width // 30, width // 8)
        points.append((width, height))
        d.polygon(points, fill=colour)
    for _ in range(rnd.randint(3, 9)):
        x, y = rnd.randint(0, width), rnd.randint(horizon, height)
        w, h = rnd.randint(width // 40, width // 12), rnd.randint(height // 20, height // 6)
        d.rectangle([x, y - h, x + w, y], fill=(rnd.randint(120, 230),) * 3)
    image = image.filter(ImageFilter.GaussianBlur(1.2))
    grain = Image.effect_noise((width, height), 24).convert("RGB")
    return Image.blend(image, grain, 0.08)


def size(text):
    w, h = text.lower().split("x")
    return int(w), int(h)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", nargs="?")
    parser.add_argument("--size", type=size, default=(1600, 1067))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quality", type=int, default=85)
    parser.add_argument("--many", type=int)
    parser.add_argument("--into")
    parser.add_argument("--distinct", type=int, default=40)
    args = parser.parse_args()
    if args.many:
        if not args.into:
            sys.exit("--many needs --into DIR")
        os.makedirs(args.into, exist_ok=True)
        # Drawing is slow (about half a second a photo): --distinct pictures
        # are drawn, and the others are copies of them that differ in a JPEG
        # comment, so that every file has its own bytes (and is processed
        # on its own by any tool) without drawing thousands.
        bases = []
        for n in range(min(args.distinct, args.many)):
            path = os.path.join(args.into, f"base-{n:03d}.jpg")
            if not os.path.exists(path):
                draw(n + 1, *args.size).save(path, quality=args.quality)
            with open(path, "rb") as f:
                bases.append(f.read())
        for n in range(args.many):
            path = os.path.join(args.into, f"photo-{n:05d}.jpg")
            if not os.path.exists(path):
                base = bases[n % len(bases)]
                comment = f"photo {n}".encode()
                segment = b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment
                with open(path, "wb") as f:
                    f.write(base[:2] + segment + base[2:])
        return
    if not args.out:
        sys.exit("name an output file, or --many N --into DIR")
    draw(args.seed, *args.size).save(args.out, quality=args.quality)


if __name__ == "__main__":
    main()
