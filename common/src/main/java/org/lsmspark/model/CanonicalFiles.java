package org.lsmspark.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bytes of each file of a model directory, {@code model.json} excluded, in the one form a
 * writer produces: their digests are what {@link ModelBundle#of} lists and fingerprints.
 */
final class CanonicalFiles {
  private static final ObjectMapper JSON = new ObjectMapper();

  private CanonicalFiles() {}

  static Map<String, byte[]> of(List<String> terms, List<String> vocabulary, Map<String, Tensor> tensors) {
    Map<String, byte[]> files = new TreeMap<>();
    StringBuilder t = new StringBuilder();
    terms.forEach(term -> t.append(term).append('\n'));
    files.put(WeightFiles.TERMS, t.toString().getBytes(StandardCharsets.UTF_8));
    StringBuilder v = new StringBuilder();
    try {
      for (String turn : vocabulary) {
        v.append(JSON.writeValueAsString(turn)).append('\n');
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    files.put(WeightFiles.VOCAB, v.toString().getBytes(StandardCharsets.UTF_8));
    tensors.forEach((name, tensor) -> files.put(name, Npy.write(tensor)));
    return files;
  }

  /** The digest of every canonical file, by relative path. */
  static Map<String, String> digests(List<String> terms, List<String> vocabulary, Map<String, Tensor> tensors) {
    Map<String, String> digests = new TreeMap<>();
    of(terms, vocabulary, tensors).forEach((k, v) -> digests.put(k, Sha256.hex(v)));
    return digests;
  }
}
