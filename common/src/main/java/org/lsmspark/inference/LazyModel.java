package org.lsmspark.inference;

import java.util.Locale;
import org.lsmspark.model.ModelBundle;
import org.lsmspark.model.ModelDirectory;
import org.lsmspark.tokenizer.DecodeMode;
import org.lsmspark.tokenizer.NativeBlas;
import org.lsmspark.tokenizer.Tokenizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's model, read from {@link EngineOptions#modelLocation()} or taken from
 * {@link EngineOptions#bundleSource()} exactly once however many threads ask first: at
 * construction when loading is eager (or in legacy mode), else on the first {@link #get()}. A
 * failed load throws to its caller and is tried again by the next one.
 */
final class LazyModel {
  private static final Logger LOG = LoggerFactory.getLogger(LazyModel.class);

  /** The model and the prediction-key hasher primed with its identity. */
  record Loaded(LsmModel model, WindowKey.Hasher hasher) {}

  private final EngineOptions options;
  private final Object lock = new Object();
  private volatile Loaded loaded;
  private volatile long loadNanos;

  LazyModel(EngineOptions options) {
    this.options = options;
    if (options.legacyMode() || !options.lazyLoad()) {
      get();
    }
  }

  /** The loaded model, loading it now if no thread has. */
  Loaded get() {
    Loaded l = loaded;
    if (l != null) {
      return l;
    }
    synchronized (lock) {
      if (loaded == null) {
        loaded = load();
      }
      return loaded;
    }
  }

  boolean isLoaded() {
    return loaded != null;
  }

  /** Seconds the load took (reading, verifying, starting ND4J); 0 before it. */
  double loadSeconds() {
    return loadNanos / 1e9;
  }

  private Loaded load() {
    long t0 = System.nanoTime();
    NativeBlas.startInBackground(); // while the model is read and its decode laid out
    ModelBundle bundle;
    if (options.modelLocation() != null) {
      bundle = ModelDirectory.read(options.modelLocation());
    } else {
      bundle = options.bundleSource().get();
      if (bundle == null) {
        throw new IllegalStateException("the model bundle source returned no bundle");
      }
    }
    LsmModel model = LsmModel.of(bundle, options.indexCache());
    Tokenizer tok = model.tokenizer();
    // the first decode starts ND4J and lays out the vocabulary (and builds the HNSW graph for
    // approximate decoding); count it as loading, not scoring
    float[] probe = new float[tok.embeddingDim()];
    probe[0] = 1f;
    tok.decode(probe, 1);
    if (!options.legacyMode() && options.decode() == DecodeMode.APPROXIMATE) {
      tok.decodeBatch(new float[][] {probe}, 1, DecodeMode.APPROXIMATE);
    }
    loadNanos = System.nanoTime() - t0;
    LOG.info(String.format(Locale.ROOT,
        "model %s loaded from %s in %.2f s: %d vocabulary turns, %d terms, embedding %d, window %d, CNN on %s",
        bundle.modelId(), options.modelDescription(), loadNanos / 1e9, tok.vocabularySize(), tok.featureCount(),
        tok.embeddingDim(), model.windowSize(), model.cnnLoops()));
    return new Loaded(model, new WindowKey.Hasher(bundle.modelId(), bundle.fingerprint()));
  }
}
