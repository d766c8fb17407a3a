package org.melforge.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's claim on its output folder: {@code _lease.json} names the holder (run id, host, process,
 * start) and a heartbeat the holder rewrites every third of the lease time. A second run finds a
 * live lease and fails at once naming the holder. A lease is stale, and is taken over with a
 * warning, when its heartbeat is older than the lease time or when its holder's process on this
 * host is gone (a driver killed and resumed at once on the same host need not wait).
 *
 * <p>It needs nothing of the file system but create, read and delete, so it works alike on local
 * disk, HDFS and S3A. Two runs starting within the same moment could both see no lease on a store
 * without atomic create-if-absent (S3); the holder re-reads the lease after writing it and the
 * loser of such a race fails, and every heartbeat checks the lease is still its own.
 */
public final class OutputLease implements AutoCloseable {

  /** The lease file in the output folder. */
  public static final String FILE = "_lease.json";
  /** Heartbeat age after which a lease is stale. */
  public static final Duration TIMEOUT = Duration.ofMinutes(2);

  private static final Logger LOG = LoggerFactory.getLogger(OutputLease.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final FileSystem fs;
  private final Path file;
  private final Map<String, Object> holder;
  private final ScheduledExecutorService heartbeat;
  private volatile String lost;

  private OutputLease(FileSystem fs, Path file, Map<String, Object> holder) {
    this.fs = fs;
    this.file = file;
    this.holder = holder;
    this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "melforge-output-lease");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Claims {@code root} (created if missing) for a run described by {@code what}.
   *
   * @throws OutputInUseException when another run holds a live lease on it
   * @throws UncheckedIOException when the folder cannot be created or written
   */
  public static OutputLease acquire(FileSystem fs, Path root, String what) {
    Path file = new Path(root, FILE);
    try {
      fs.mkdirs(root);
      Map<String, Object> current = read(fs, file);
      if (current != null) {
        String stale = staleness(current);
        if (stale == null) {
          throw new OutputInUseException(root, describe(current));
        }
        LOG.warn("taking over the lease on {} of {}: {}", root, describe(current), stale);
      }
      Map<String, Object> holder = new LinkedHashMap<>();
      holder.put("run", UUID.randomUUID().toString());
      holder.put("what", what);
      holder.put("host", host());
      holder.put("pid", ProcessHandle.current().pid());
      holder.put("started", Instant.now().toString());
      OutputLease lease = new OutputLease(fs, file, holder);
      lease.beat();
      Map<String, Object> written = read(fs, file);
      if (written == null || !holder.get("run").equals(written.get("run"))) {
        throw new OutputInUseException(root, written == null ? "a run that removed the lease"
            : describe(written));
      }
      long every = TIMEOUT.toMillis() / 3;
      lease.heartbeat.scheduleAtFixedRate(lease::renew, every, every, TimeUnit.MILLISECONDS);
      return lease;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot claim output folder " + root + ": " + e.getMessage(),
          e);
    }
  }

  private void beat() throws IOException {
    holder.put("heartbeat", Instant.now().toString());
    try (OutputStream out = fs.create(file, true)) {
      out.write(JSON.writeValueAsBytes(holder));
    }
  }

  private void renew() {
    try {
      Map<String, Object> current = read(fs, file);
      if (current == null || !holder.get("run").equals(current.get("run"))) {
        lost = current == null ? "the lease file was removed" : "taken over by " + describe(current);
        LOG.error("lost the lease on {}: {}", file.getParent(), lost);
        heartbeat.shutdown();
        return;
      }
      beat();
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not renew the lease {}: {}", file, e.toString());
    }
  }

  /**
   * Fails when another run took the folder over since this lease was acquired.
   *
   * @throws OutputInUseException naming the new holder
   */
  public void check() {
    if (lost != null) {
      throw new OutputInUseException(file.getParent(), lost);
    }
  }

  /** Stops the heartbeat and removes the lease if it is still this run's. */
  @Override
  public void close() {
    heartbeat.shutdownNow();
    try {
      Map<String, Object> current = read(fs, file);
      if (current != null && holder.get("run").equals(current.get("run"))) {
        fs.delete(file, false);
      }
    } catch (IOException e) {
      LOG.warn("could not release the lease {}: {}", file, e.toString());
    }
  }

  private static Map<String, Object> read(FileSystem fs, Path file) throws IOException {
    try (InputStream in = fs.open(file)) {
      @SuppressWarnings("unchecked")
      Map<String, Object> m = JSON.readValue(in.readAllBytes(), Map.class);
      return m;
    } catch (FileNotFoundException e) {
      return null;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return Map.of("heartbeat", Instant.EPOCH.toString(), "what", "unreadable lease file");
    }
  }

  /** Why a lease is stale, or null when it is live. */
  private static String staleness(Map<String, Object> lease) {
    Instant beat;
    try {
      beat = Instant.parse(String.valueOf(lease.get("heartbeat")));
    } catch (RuntimeException e) {
      return "its heartbeat is unreadable";
    }
    Duration age = Duration.between(beat, Instant.now());
    if (age.compareTo(TIMEOUT) > 0) {
      return "its last heartbeat is " + age.toSeconds() + " s old";
    }
    if (host().equals(lease.get("host")) && lease.get("pid") instanceof Number pid
        && ProcessHandle.of(pid.longValue()).map(p -> !p.isAlive()).orElse(true)) {
      return "its process " + pid + " on this host has ended";
    }
    return null;
  }

  private static String describe(Map<String, Object> lease) {
    return "run " + lease.get("run") + " (" + lease.get("what") + ") on host " + lease.get("host")
        + ", process " + lease.get("pid") + ", started " + lease.get("started")
        + ", last heartbeat " + lease.get("heartbeat");
  }

  private static String host() {
    return Host.NAME;
  }

  /** This host's name, looked up once. */
  private static final class Host {
    static final String NAME = lookup();

    private static String lookup() {
      try {
        return InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException e) {
        return "unknown";
      }
    }
  }
}
