package dev.cellar.engine.internal;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Copies bytes into and out of a record wherever its memory lies: in one buffer (a chunk, a whole
 * page, a buffer of its own) or, for a record larger than a page built from pooled pages, in
 * several pages ({@link SlabPage#parts}), where byte {@code x} of the record lies at {@code x %
 * pageSize} of part {@code x / pageSize}. Such a record's header and key always lie in its first
 * part, so everything that reads only those uses {@link SlabPage#buffer} as for any other record.
 * Used only under the owning segment's lock: readers without it never reach a record larger than a
 * page.
 */
final class RecordBytes {
  private RecordBytes() {}

  /** Bytes the record memory of {@code page} spans from offset 0. */
  static long capacity(SlabPage page) {
    UnsafeBuffer[] parts = page.parts;
    return parts == null ? page.buffer.capacity() : (long) parts.length * parts[0].capacity();
  }

  /** Copies {@code length} bytes from offset {@code from} of {@code page} into {@code out}. */
  static void copyOut(SlabPage page, int from, MutableDirectBuffer out, int outOffset, int length) {
    UnsafeBuffer[] parts = page.parts;
    if (parts == null) {
      out.putBytes(outOffset, page.buffer, from, length);
      return;
    }
    if (out.isExpandable()) {
      // Grow once, not once per part.
      out.checkLimit(outOffset + length);
    }
    int partSize = parts[0].capacity();
    int at = from;
    int position = outOffset;
    int left = length;
    while (left > 0) {
      int within = at % partSize;
      int count = Math.min(left, partSize - within);
      out.putBytes(position, parts[at / partSize], within, count);
      at += count;
      position += count;
      left -= count;
    }
  }

  /** Copies {@code length} bytes of {@code source} into {@code page} from offset {@code at}. */
  static void copyIn(SlabPage page, int at, DirectBuffer source, int sourceOffset, int length) {
    UnsafeBuffer[] parts = page.parts;
    if (parts == null) {
      page.buffer.putBytes(at, source, sourceOffset, length);
      return;
    }
    int partSize = parts[0].capacity();
    int to = at;
    int position = sourceOffset;
    int left = length;
    while (left > 0) {
      int within = to % partSize;
      int count = Math.min(left, partSize - within);
      parts[to / partSize].putBytes(within, source, position, count);
      to += count;
      position += count;
      left -= count;
    }
  }
}
