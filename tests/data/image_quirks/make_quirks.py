#!/usr/bin/python3
"""Writes the corpus of real-world image quirks (run from anywhere; writes
next to itself). Each file is small (48x32) and is either read as OpenCV's
cv::imdecode(IMREAD_UNCHANGED) reads it or refused naming the reason;
expected.json says which, and ImageQuirksTest checks every file against it.

restart_markers.jpg is not written here: Pillow 9.4 cannot write restart
markers. It was written once by OpenCV (cv::imwrite with
IMWRITE_JPEG_RST_INTERVAL 1) from the same picture and is kept as it is.
"""
import io
import os
import struct

from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))


def picture(mode="RGB"):
    """A 48x32 picture with a gradient and a bright square, so that a flip,
    a rotation or swapped channels would show."""
    image = Image.new("RGB", (48, 32))
    pixels = image.load()
    for y in range(32):
        for x in range(48):
            pixels[x, y] = (x * 5, y * 7, 255 - x * 5)
    for y in range(4, 12):
        for x in range(6, 14):
            pixels[x, y] = (250, 250, 250)
    return image.convert(mode)


def jpeg(image, **options):
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, **options)
    return out.getvalue()


def png(image):
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def with_stray_bytes(data, before_marker, stray):
    """`stray` inserted before the first `before_marker` (0xFFxx), as some
    cameras and editors write."""
    at = data.index(bytes([0xFF, before_marker]))
    return data[:at] + stray + data[at:]


def top_down_bmp(image):
    """A BMP with a negative height: rows stored top to bottom."""
    out = io.BytesIO()
    image.save(out, "BMP")
    data = bytearray(out.getvalue())
    offset = struct.unpack_from("<I", data, 10)[0]
    width, height = struct.unpack_from("<ii", data, 18)
    row = (width * 3 + 3) // 4 * 4
    rows = [data[offset + i * row: offset + (i + 1) * row] for i in range(height)]
    data[offset:] = b"".join(reversed(rows))
    struct.pack_into("<i", data, 22, -height)
    return bytes(data)


def classic_tiff_with_long8_width(image):
    """An uncompressed classic TIFF whose ImageWidth entry has type LONG8
    (16): 8 bytes that do not fit the entry's 4-byte field, so the field
    holds their offset."""
    rgb = image.tobytes()
    width, height = image.size
    header = 8
    count = 10
    directory_size = 2 + count * 12 + 4
    extra = header + directory_size  # where out-of-line values start
    width8 = extra
    bits = extra + 8
    pixels = bits + 6
    entries = [  # (tag, type, count, value or offset)
        (256, 16, 1, width8),       # ImageWidth, LONG8 at an offset
        (257, 4, 1, height),        # ImageLength
        (258, 3, 3, bits),          # BitsPerSample 8,8,8
        (259, 3, 1, 1),             # no compression
        (262, 3, 1, 2),             # RGB
        (273, 4, 1, pixels),        # StripOffsets
        (277, 3, 1, 3),             # SamplesPerPixel
        (278, 4, 1, height),        # RowsPerStrip
        (279, 4, 1, len(rgb)),      # StripByteCounts
        (284, 3, 1, 1),             # contiguous planes
    ]
    out = bytearray(b"II*\x00" + struct.pack("<I", header))
    out += struct.pack("<H", count)
    for tag, kind, n, value in entries:
        if kind == 3 and n == 1:
            out += struct.pack("<HHIHH", tag, kind, n, value, 0)
        else:
            out += struct.pack("<HHII", tag, kind, n, value)
    out += struct.pack("<I", 0)
    out += struct.pack("<Q", width)
    out += struct.pack("<HHH", 8, 8, 8)
    out += rgb
    return bytes(out)


def main():
    color = picture()
    files = {
        "stray_bytes.jpg": with_stray_bytes(jpeg(color), 0xDB, b"\x00\x00"),
        "stray_bytes_before_frame.jpg": with_stray_bytes(jpeg(color), 0xC0, b"\x0d\x0a"),
        "progressive.jpg": jpeg(color, progressive=True),
        "cmyk.jpg": jpeg(color.convert("CMYK")),
        "grayscale.jpg": jpeg(picture("L")),
        "exif_orientation_6.jpg": jpeg(color, exif=_exif_rotated()),
        "cut_short.jpg": jpeg(color)[: len(jpeg(color)) * 2 // 3],
        "gray16.png": png(_gray16()),
        "palette.png": png(color.quantize(16)),
        "gray_alpha.png": png(picture("LA")),
        "rgba.png": png(picture("RGBA")),
        "cut_short.png": png(color)[: len(png(color)) // 2],
        "top_down.bmp": top_down_bmp(color),
        "bottom_up.bmp": _bottom_up_bmp(color),
        "width_long8.tif": classic_tiff_with_long8_width(color),
    }
    for name, data in files.items():
        with open(os.path.join(HERE, name), "wb") as out:
            out.write(data)


def _exif_rotated():
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 degrees clockwise to show
    return exif.tobytes()


def _gray16():
    image = Image.new("I;16", (48, 32))
    pixels = image.load()
    for y in range(32):
        for x in range(48):
            pixels[x, y] = x * 1300 + y * 40
    return image


def _bottom_up_bmp(image):
    out = io.BytesIO()
    image.save(out, "BMP")
    return out.getvalue()


if __name__ == "__main__":
    main()
