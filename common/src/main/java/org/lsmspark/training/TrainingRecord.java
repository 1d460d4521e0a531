package org.lsmspark.training;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.EnumFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * How a model was made, written beside its {@code model.json} as {@value #FILE}: the fitting
 * options, the corpus, the split, every epoch and the machine. It is not listed in
 * {@code model.json}, so the model's files and fingerprint do not depend on it. The machine is
 * part of the record because ND4J's native BLAS picks its kernels by CPU: one seed gives
 * byte-identical models on one kind of CPU and slightly different ones across kinds.
 *
 * @param fingerprint the written model's, which ties the record to its weights
 * @param options the fitting options (the architecture is {@code model.json}'s)
 * @param started when training started, UTC, ISO-8601
 * @param seconds reading the corpus and training
 */
public record TrainingRecord(String modelId, String fingerprint, String lsmSpark, FitConfig options,
    Corpus corpus, Split split, Validation beforeTraining, List<Trainer.EpochStats> epochs, int bestEpoch,
    Machine machine, String started, double seconds) {
  public static final String FILE = "training.json";
  private static final ObjectMapper JSON = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(SerializationFeature.INDENT_OUTPUT)
      .enable(EnumFeature.WRITE_ENUMS_TO_LOWERCASE) // as the options are typed: --loss contrastive
      .build();

  /** @param input as it may be shown (credentials masked) */
  public record Corpus(String input, int conversations, long turns, String sha256) {}

  public record Split(int trainingConversations, int validationConversations, int trainingWindows,
      int validationWindows) {}

  public record Validation(double loss, @JsonProperty("recall@1/100") double recall) {}

  /**
   * @param cpu the CPU's model name, family and model as Linux reports them
   * @param vectorExtensions the widest x86 vector extension the CPU reports, which BLAS kernels go by
   * @param openblasCoretype the {@code OPENBLAS_CORETYPE} that forced BLAS's kernels, if set
   */
  public record Machine(String java, String os, String cpu, String vectorExtensions, int cores,
      String openblasCoretype) {}

  public TrainingRecord {
    epochs = List.copyOf(epochs);
  }

  /** The record of a finished run. */
  public static TrainingRecord of(Trainer.Result r, String fingerprint, String lsmSpark, FitConfig options,
      String input, Machine machine, String started, double seconds) {
    return new TrainingRecord(r.bundle().modelId(), fingerprint, lsmSpark, options,
        new Corpus(input, r.trainDialogues() + r.validationDialogues(), r.turns(), r.corpusSha256()),
        new Split(r.trainDialogues(), r.validationDialogues(), r.trainWindows(), r.validationWindows()),
        new Validation(r.initialValidationLoss(), r.initialValidationRecall()), r.epochs(), r.bestEpoch(),
        machine, started, seconds);
  }

  public byte[] toJson() {
    try {
      return JSON.writeValueAsBytes(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + FILE + ": " + e.getMessage(), e);
    }
  }

  /** This JVM's machine, from the system properties and, on Linux, {@code /proc/cpuinfo}. */
  public static Machine thisMachine() {
    Map<String, String> cpu = cpuInfo(Path.of("/proc/cpuinfo"));
    String name = cpu.getOrDefault("model name", System.getProperty("os.arch"));
    if (cpu.containsKey("cpu family")) {
      name += " (family " + cpu.get("cpu family") + ", model " + cpu.get("model") + ")";
    }
    List<String> flags = List.of(cpu.getOrDefault("flags", "").split(" "));
    String vector = flags.contains("avx512f") ? "avx512" : flags.contains("avx2") ? "avx2"
        : flags.contains("avx") ? "avx" : flags.isEmpty() || flags.get(0).isEmpty() ? "unknown" : "sse";
    return new Machine(System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
        System.getProperty("os.name") + " " + System.getProperty("os.arch"), name, vector,
        Runtime.getRuntime().availableProcessors(), System.getenv("OPENBLAS_CORETYPE"));
  }

  /** The first processor's fields of a {@code /proc/cpuinfo}; empty where there is none. */
  static Map<String, String> cpuInfo(Path file) {
    Map<String, String> fields = new TreeMap<>();
    try {
      for (String line : Files.readAllLines(file)) {
        if (line.isBlank()) {
          break;
        }
        int colon = line.indexOf(':');
        if (colon > 0) {
          fields.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
      }
    } catch (IOException e) {
      return Map.of(); // not Linux, or not readable: the record says less
    }
    return fields;
  }
}
