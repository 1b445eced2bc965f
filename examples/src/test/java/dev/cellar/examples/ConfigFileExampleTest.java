package dev.cellar.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The caches the file declares have its settings; caches created in code take its defaults. */
class ConfigFileExampleTest {
  @Test
  void cachesTakeTheirSettingsFromTheFile() {
    Printed printed = new Printed();
    Map<String, String> settings = ConfigFileExample.run(printed.out);

    assertEquals(
        Map.of(
            "users",
            "max-bytes 64 MiB, history 4, statistics true, expiry CreatedExpiryPolicy PT10M",
            "catalog.products",
            "max-bytes 16 MiB, history 1, statistics true, expiry AccessedExpiryPolicy PT1H",
            "audit",
            "max-bytes 16 MiB, history 1, statistics true, expiry eternal",
            "drafts",
            "max-bytes 16 MiB, history 1, statistics false, expiry ModifiedExpiryPolicy PT5M"),
        settings);
    assertTrue(printed.text().contains("users: put alice, get alice -> admin"), printed.text());
  }
}
