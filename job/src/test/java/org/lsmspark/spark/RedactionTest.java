package org.lsmspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RedactionTest {
  @Test
  void masksUserInfoInPaths() {
    assertEquals("s3a://***@bucket/lake/in", Redaction.path("s3a://AKIAXXXX:verysecret@bucket/lake/in"));
    assertEquals("hdfs://***@nn:8020/x", Redaction.path("hdfs://user@nn:8020/x"));
    assertEquals("/plain/local/path", Redaction.path("/plain/local/path"));
    assertEquals("s3a://bucket/key", Redaction.path("s3a://bucket/key"));
  }

  @Test
  void masksSignedUrlParameters() {
    assertEquals("https://h/p?X-Amz-Signature=***&x=1&sig-token=***",
        Redaction.path("https://h/p?X-Amz-Signature=abc123&x=1&sig-token=zzz"));
  }

  @Test
  void masksSecretSettingsInMessages() {
    assertEquals("failed with fs.s3a.secret.key=*** and fs.s3a.access.key=*** on s3a://***@b/p",
        Redaction.text("failed with fs.s3a.secret.key=abc/def and fs.s3a.access.key=AKIA1 on s3a://k:s@b/p"));
  }
}
