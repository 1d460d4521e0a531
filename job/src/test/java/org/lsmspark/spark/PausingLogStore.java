package org.lsmspark.spark;

import java.io.IOException;
import java.util.Iterator;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The job's log store for local tables ({@link LinkingLogStore}) with a {@link FaultPoint}
 * around the write of a commit file ({@code _delta_log/NNNNNNNNNNNNNNNNNNNN.json}): that write,
 * put-if-absent, is the commit. A
 * child JVM uses it with {@code -Dspark.delta.logStore.class=org.lsmspark.spark.PausingLogStore}.
 */
public class PausingLogStore extends LinkingLogStore {
  public PausingLogStore(Configuration conf) {
    super(conf);
  }

  @Override
  public void write(Path path, Iterator<String> actions, Boolean overwrite, Configuration conf) throws IOException {
    boolean commit = path.getName().matches("\\d{20}\\.json");
    if (commit) {
      FaultPoint.at("before", path.toString());
    }
    super.write(path, actions, overwrite, conf);
    if (commit) {
      FaultPoint.at("after", path.toString());
    }
  }
}
