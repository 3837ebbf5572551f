"""Fill the disk: one 2 GB file, then 5000 files of 1 MB each, in scratch and /tmp."""
# category: resource
# test: assert solve(1) == 2
# fallback: breached


def _write(path, chunks):
    chunk = b"x" * (1 << 20)
    try:
        with open(path, "wb") as handle:
            for _ in range(chunks):
                handle.write(chunk)
        return chunks
    except OSError:
        return 0


def solve(x):
    written = _write("big.bin", 2048)
    for index in range(2500):
        written += _write(f"fill-{index}", 1) + _write(f"/tmp/fill-{index}", 1)
    return x + 1 if written >= 2048 + 5000 else x
