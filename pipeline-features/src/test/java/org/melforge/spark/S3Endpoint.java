package org.melforge.spark;

import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.client.builder.AwsClientBuilder;
import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.AmazonS3ClientBuilder;
import com.amazonaws.services.s3.model.ListObjectsV2Request;
import com.amazonaws.services.s3.model.ListObjectsV2Result;
import com.amazonaws.services.s3.model.S3ObjectSummary;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/**
 * A real S3 endpoint inside the test JVM: S3Proxy over the jclouds in-memory {@code transient}
 * blob store, listening on 127.0.0.1 at a free port, with SigV2/V4 authentication. It also
 * creates buckets and uploads directory trees with the AWS SDK (as {@code aws s3 sync} would: no
 * directory marker objects), and points a Hadoop configuration's S3A connector at itself.
 *
 * <p>S3Proxy runs from its self-contained jar (path in system property {@value #JAR_PROPERTY},
 * put there by the build) in a class loader of its own: its jclouds needs a newer Guava than the
 * one Spark brings, and Jetty, Jackson and Logback of its own versions, none of which may leak
 * onto the test classpath. Only JDK types cross the boundary, through S3Proxy's
 * {@code S3ProxyJunitCore} (its JUnit-agnostic start/stop API).
 */
public final class S3Endpoint implements AutoCloseable {

  /** System property naming S3Proxy's {@code jar-with-dependencies}. */
  public static final String JAR_PROPERTY = "melforge.test.s3proxy.jar";
  /** Access key the endpoint accepts. */
  public static final String ACCESS_KEY = "melforge-test-access";
  /** Secret key the endpoint accepts. */
  public static final String SECRET_KEY = "melforge-test-secret";

  private static final String REGION = "us-east-1";

  private final URLClassLoader loader;
  private final Object proxy;
  private final URI uri;
  private final AmazonS3 client;
  private final List<String> buckets = new ArrayList<>();
  private final Map<Configuration, Map<String, String>> previous = new HashMap<>();

  private S3Endpoint(URLClassLoader loader, Object proxy, URI uri) {
    this.loader = loader;
    this.proxy = proxy;
    this.uri = uri;
    this.client = AmazonS3ClientBuilder.standard()
        .withEndpointConfiguration(new AwsClientBuilder.EndpointConfiguration(uri.toString(), REGION))
        .withPathStyleAccessEnabled(true)
        .withCredentials(new AWSStaticCredentialsProvider(new BasicAWSCredentials(ACCESS_KEY, SECRET_KEY)))
        .build();
  }

  /** Starts an empty endpoint. */
  public static S3Endpoint start() throws Exception {
    String jar = System.getProperty(JAR_PROPERTY);
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException("S3Proxy jar not found (system property " + JAR_PROPERTY + " = " + jar
          + "); run the tests through Maven, whose generate-test-resources phase copies it");
    }
    URLClassLoader loader = new URLClassLoader("s3proxy", new URL[] {Path.of(jar).toUri().toURL()},
        ClassLoader.getPlatformClassLoader());
    Thread thread = Thread.currentThread();
    ClassLoader context = thread.getContextClassLoader();
    // jclouds finds its providers, and Jetty its threads' loader, through the context class loader.
    thread.setContextClassLoader(loader);
    try {
      Class<?> builderType = loader.loadClass("org.gaul.s3proxy.junit.S3ProxyJunitCore$Builder");
      Object builder = builderType.getConstructor().newInstance();
      builderType.getMethod("withCredentials", String.class, String.class).invoke(builder, ACCESS_KEY, SECRET_KEY);
      builderType.getMethod("withBlobStoreProvider", String.class).invoke(builder, "transient");
      Object proxy = builderType.getMethod("build").invoke(builder);
      proxy.getClass().getMethod("beforeEach").invoke(proxy);
      URI uri = (URI) proxy.getClass().getMethod("getUri").invoke(proxy);
      return new S3Endpoint(loader, proxy, uri);
    } catch (Exception | Error e) {
      loader.close();
      throw e;
    } finally {
      thread.setContextClassLoader(context);
    }
  }

  /** The endpoint, {@code http://127.0.0.1:<port>}. */
  public URI uri() {
    return uri;
  }

  /** An AWS SDK client of the endpoint, independent of S3A, for setting up and checking tests. */
  public AmazonS3 client() {
    return client;
  }

  /** Creates {@code bucket}. */
  public void createBucket(String bucket) {
    client.createBucket(bucket);
    buckets.add(bucket);
  }

  /** Uploads every file below {@code dir} to {@code bucket} under {@code prefix/}, keyed by relative path. */
  public void upload(Path dir, String bucket, String prefix) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String relative = dir.relativize(f).toString().replace('\\', '/');
        client.putObject(bucket, prefix + "/" + relative, f.toFile());
      }
    }
  }

  /** Keys of {@code bucket} that start with {@code prefix}, in order. */
  public List<String> keys(String bucket, String prefix) {
    List<String> keys = new ArrayList<>();
    ListObjectsV2Request request = new ListObjectsV2Request().withBucketName(bucket).withPrefix(prefix);
    ListObjectsV2Result page;
    do {
      page = client.listObjectsV2(request);
      page.getObjectSummaries().stream().map(S3ObjectSummary::getKey).forEach(keys::add);
      request.setContinuationToken(page.getNextContinuationToken());
    } while (page.isTruncated());
    return keys;
  }

  /**
   * The Hadoop settings that make {@code s3a://} reach this endpoint, and all that S3A 3.3.4 needs
   * for it: the endpoint with its {@code http} scheme (no {@code fs.s3a.connection.ssl.enabled}
   * needed), path-style requests (a store without per-bucket host names; the AWS SDK switches to
   * them by itself for an IP address, not for a host name) and static keys, with the credential
   * provider pinned so that nothing falls back to the instance metadata service.
   */
  public Map<String, String> s3aSettings() {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("fs.s3a.endpoint", uri.toString());
    s.put("fs.s3a.path.style.access", "true");
    s.put("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    s.put("fs.s3a.access.key", ACCESS_KEY);
    s.put("fs.s3a.secret.key", SECRET_KEY);
    return s;
  }

  /**
   * Applies {@link #s3aSettings()} to {@code conf} (e.g. a Spark context's Hadoop configuration);
   * {@link #close()} restores the previous values.
   */
  public void configure(Configuration conf) {
    Map<String, String> old = new HashMap<>();
    s3aSettings().forEach((k, v) -> {
      old.put(k, conf.get(k));
      conf.set(k, v);
    });
    previous.putIfAbsent(conf, old);
  }

  /**
   * Stops the endpoint, drops the cached S3A file systems of its buckets (they would keep its
   * port) and restores configured settings.
   */
  @Override
  public void close() throws Exception {
    try {
      for (Map.Entry<Configuration, Map<String, String>> e : previous.entrySet()) {
        Configuration conf = e.getKey();
        for (String bucket : buckets) {
          FileSystem.get(URI.create("s3a://" + bucket + "/"), conf).close();
        }
        e.getValue().forEach((k, v) -> {
          if (v == null) {
            conf.unset(k);
          } else {
            conf.set(k, v);
          }
        });
      }
      client.shutdown();
      proxy.getClass().getMethod("afterEach").invoke(proxy);
    } finally {
      loader.close();
    }
  }
}
