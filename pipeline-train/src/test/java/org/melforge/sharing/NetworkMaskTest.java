package org.melforge.sharing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The transport's network mask, as checked before a cluster run trains. */
class NetworkMaskTest {

  private static final String KEY = "sharing.network-mask";

  @Test
  void anAddressInsideTheNetworkPasses() {
    NetworkMask.parse("10.1.0.0/16", KEY).requireContains("10.1.200.7", "the controller");
    NetworkMask.parse("127.0.0.0/8", KEY).requireContains("localhost", "the controller");
    NetworkMask.parse("0.0.0.0/0", KEY).requireContains("192.0.2.1", "the controller");
  }

  @Test
  void anAddressOutsideTheNetworkIsRefusedNamingBoth() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NetworkMask.parse("10.1.0.0/16", KEY).requireContains("10.2.0.1", "the controller"));
    assertTrue(e.getMessage().startsWith(KEY + ": 10.1.0.0/16 does not contain the controller"
        + " 10.2.0.1"), e.getMessage());
  }

  @Test
  void whatIsNoCidrIsRefusedNamingTheKeyAndValue() {
    for (String bad : new String[] {"10.0.0.0", "10.0.0.0/33", "ten/8", "10.0.0.0/x"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> NetworkMask.parse(bad, KEY));
      assertTrue(e.getMessage().startsWith(KEY + ": '" + bad + "' is not a network in CIDR"),
          e.getMessage());
    }
  }
}
