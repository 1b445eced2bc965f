package dev.cellar.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** The written-down layouts are what the code relies on: aligned, dense, non-overlapping. */
class LayoutTest {
  @Test
  void recordHeaderFieldsAreAlignedAndDense() {
    assertEquals(0, RecordDescriptor.REVISION_OFFSET);
    assertEquals(8, RecordDescriptor.EXPIRE_AT_OFFSET);
    assertEquals(RecordDescriptor.EXPIRE_AT_OFFSET, RecordDescriptor.FREE_LINK_OFFSET);
    assertEquals(16, RecordDescriptor.PREVIOUS_OFFSET);
    assertEquals(24, RecordDescriptor.WRITE_TIME_OFFSET);
    assertEquals(31, RecordDescriptor.OPERATION_OFFSET, "the write-time word's top byte");
    assertEquals(32, RecordDescriptor.KEY_LENGTH_OFFSET);
    assertEquals(36, RecordDescriptor.VALUE_LENGTH_OFFSET);
    assertEquals(40, RecordDescriptor.HEADER_LENGTH);
    assertEquals(0, RecordDescriptor.HEADER_LENGTH % 8, "keys start 8-byte aligned");
    assertEquals(40 + 5 + 7, RecordDescriptor.recordLength(5, 7));
    assertEquals(140, RecordDescriptor.keyOffset(100));
    assertEquals(145, RecordDescriptor.valueOffset(100, 5));
  }

  @Test
  void writeTimeAndOperationShareAWordWithoutDisturbingEachOther() {
    UnsafeBuffer page = new UnsafeBuffer(new byte[128]);
    page.setMemory(0, 128, (byte) 0xA5);
    long time = 1_795_000_000_123L;
    Records.writeHeader(page, 64, 7L, 9L, time, 3, 11, 2);
    assertEquals(time, Records.writeTime(page, 64));
    assertEquals(2, Records.op(page, 64));
    assertEquals(7L, Records.expireAt(page, 64));
    assertEquals(9L, Records.previous(page, 64));
    assertEquals(3, Records.keyLength(page, 64));
    assertEquals(11, Records.valueLength(page, 64));
    assertEquals((byte) 0xA5, page.getByte(63), "nothing before the record is touched");

    Records.putWriteTimeAndOp(page, 64, RecordDescriptor.WRITE_TIME_MASK, 5);
    assertEquals(RecordDescriptor.WRITE_TIME_MASK, Records.writeTime(page, 64));
    assertEquals(5, Records.op(page, 64));
    assertEquals(3, Records.keyLength(page, 64), "the key length after the word is untouched");

    page.putByte(64 + RecordDescriptor.OPERATION_OFFSET, (byte) 6);
    assertEquals(RecordDescriptor.WRITE_TIME_MASK, Records.writeTime(page, 64));
    assertEquals(6, Records.op(page, 64));
  }

  @Test
  void indexSlotIsSixteenBytes() {
    assertEquals(0, IndexDescriptor.HASH_OFFSET);
    assertEquals(4, IndexDescriptor.EXPIRY_HINT_OFFSET);
    assertEquals(8, IndexDescriptor.REF_OFFSET);
    assertEquals(16, IndexDescriptor.SLOT_LENGTH);
    assertEquals(48, IndexDescriptor.slotOffset(3));
  }

  @Test
  void journalDescriptorIsTwentyFourBytes() {
    assertEquals(0, JournalDescriptor.REVISION_OFFSET);
    assertEquals(8, JournalDescriptor.REF_OFFSET);
    assertEquals(16, JournalDescriptor.SEGMENT_OFFSET);
    assertEquals(18, JournalDescriptor.OPERATION_OFFSET);
    assertEquals(20, JournalDescriptor.KEY_HASH_OFFSET);
    assertEquals(24, JournalDescriptor.LENGTH);
    assertEquals(24 * 1024, Journal.ringLength(1024));
  }

  @Test
  void referencesPackPageAndOffset() {
    long ref = RecordRefs.of(7, 0x7FFF_FFF0);
    assertEquals(7, RecordRefs.pageId(ref));
    assertEquals(0x7FFF_FFF0, RecordRefs.offset(ref));
    assertEquals(RecordRefs.NONE, RecordRefs.of(0, 0));
    assertTrue(RecordRefs.of(1, 0) != RecordRefs.NONE, "page ids start at 1 so no ref is 0");
  }

  @Test
  void sizeClassesGrowByAQuarterAtMostAndStopAtAQuarterPage() {
    SizeClasses classes = new SizeClasses(64 * 1024);
    assertEquals(SizeClasses.MIN_CHUNK, classes.size(0));
    assertEquals(16 * 1024, classes.largest());
    for (int i = 1; i < classes.count(); i++) {
      int previous = classes.size(i - 1);
      int size = classes.size(i);
      assertEquals(0, size % 16, "chunks keep 16-byte alignment");
      assertTrue(size > previous && size <= previous * 5 / 4 + 16, "class " + i + " = " + size);
    }
    assertEquals(0, classes.classOf(1));
    assertEquals(0, classes.classOf(64));
    assertEquals(1, classes.classOf(65));
    assertEquals(classes.size(classes.classOf(1000)), 1024);
    assertEquals(classes.count() - 1, classes.classOf(16 * 1024));
    assertEquals(-1, classes.classOf(16 * 1024 + 1));
  }
}
