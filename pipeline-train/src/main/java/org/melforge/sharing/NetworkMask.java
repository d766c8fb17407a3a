package org.melforge.sharing;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** An IPv4 or IPv6 network in CIDR notation ({@code 10.0.0.0/16}), as the transport takes it. */
record NetworkMask(String cidr, String key, byte[] network, int prefix) {

  /**
   * Parses {@code cidr}, the value of configuration key {@code key}.
   *
   * @throws IllegalArgumentException naming the key and value when it is no CIDR
   */
  static NetworkMask parse(String cidr, String key) {
    String[] parts = cidr.split("/", -1);
    try {
      if (parts.length != 2 || !parts[0].matches("[0-9a-fA-F.:]+")) {
        throw new IllegalArgumentException("not address/prefix");
      }
      byte[] address = InetAddress.getByName(parts[0]).getAddress();
      int prefix = Integer.parseInt(parts[1]);
      if (prefix < 0 || prefix > address.length * 8) {
        throw new IllegalArgumentException("prefix outside 0.." + address.length * 8);
      }
      return new NetworkMask(cidr, key, address, prefix);
    } catch (UnknownHostException | IllegalArgumentException e) {
      throw new IllegalArgumentException(key + ": '" + cidr + "' is not a network in CIDR"
          + " notation such as 10.0.0.0/16 (" + e.getMessage() + ")", e);
    }
  }

  /**
   * Fails unless {@code host} (a name or address, {@code what} says whose) resolves to an address
   * in this network.
   */
  void requireContains(String host, String what) {
    byte[] address;
    try {
      address = InetAddress.getByName(host).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(key + ": cannot resolve " + what + " '" + host + "'", e);
    }
    if (address.length != network.length || !prefixOf(address).equals(prefixOf(network))) {
      throw new IllegalArgumentException(key + ": " + cidr + " does not contain " + what + " "
          + host + " (" + toString(address) + ")");
    }
  }

  private BigInteger prefixOf(byte[] address) {
    return new BigInteger(1, address).shiftRight(address.length * 8 - prefix);
  }

  private static String toString(byte[] address) {
    try {
      return InetAddress.getByAddress(address).getHostAddress();
    } catch (UnknownHostException e) {
      return "?";
    }
  }
}
