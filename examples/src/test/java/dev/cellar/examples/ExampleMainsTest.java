package dev.cellar.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.lang.reflect.Method;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each small example's {@code main}, the entry point exec:exec runs, prints its story. */
class ExampleMainsTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "ExpiryExample           | 09:02:10Z get session.bob -> null",
        "ListenerExample         | the asynchronous listener got all three: true",
        "ConfigFileExample       | users: put alice, get alice -> admin",
        "ReadWriteThroughExample | database now: {1=Ada, 3=Edsger}",
        "StatisticsExample       | gets 6, hits 4, misses 2, puts 3, removals 1",
        "EntryProcessorExample   | 2 threads x 1000 increments on likes -> 2000",
        "BucketExample           | atomic commit: ok=true, last revision 8",
        "NearTierExample         | near hits 2 of 4 hits",
      })
  void mainPrints(String example, String line) throws Exception {
    Method main = Class.forName("dev.cellar.examples." + example).getMethod("main", String[].class);
    Printed printed = new Printed();
    PrintStream original = System.out;
    System.setOut(printed.out);
    try {
      main.invoke(null, (Object) new String[0]);
    } finally {
      System.setOut(original);
    }
    assertTrue(printed.text().contains(line), printed::text);
  }
}
