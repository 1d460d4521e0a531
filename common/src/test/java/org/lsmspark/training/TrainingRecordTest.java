package org.lsmspark.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingRecordTest {
  @TempDir Path tmp;

  @Test
  void theCpuIsTheFirstProcessorsAsLinuxListsIt() throws Exception {
    Path info = tmp.resolve("cpuinfo");
    Files.writeString(info, """
        processor\t: 0
        vendor_id\t: GenuineIntel
        cpu family\t: 6
        model\t\t: 167
        model name\t: Intel(R) Xeon(R) Processor
        flags\t\t: fpu avx2 avx512f

        processor\t: 1
        model name\t: Another CPU
        """);
    Map<String, String> cpu = TrainingRecord.cpuInfo(info);
    assertEquals("Intel(R) Xeon(R) Processor", cpu.get("model name"));
    assertEquals("167", cpu.get("model"));
    assertEquals("fpu avx2 avx512f", cpu.get("flags"));
    assertTrue(TrainingRecord.cpuInfo(tmp.resolve("absent")).isEmpty(), "not Linux: the record says less");
  }
}
