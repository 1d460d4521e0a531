package org.lsmspark.spark;

import java.io.IOException;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * The local file system with a {@link FaultPoint} around an Iceberg Hadoop-catalog commit: the
 * new metadata is written to {@code metadata/UUID.metadata.json} ("before": the data files and
 * manifests exist, the table does not name them yet; not when the table is being created), then renamed to
 * {@code metadata/vN.metadata.json}, which is the commit ("after"). A child JVM uses it with
 * {@code -Dspark.hadoop.fs.file.impl=org.lsmspark.spark.PausingFileSystem}.
 */
public class PausingFileSystem extends LocalFileSystem {
  @Override
  public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize,
      short replication, long blockSize, Progressable progress) throws IOException {
    String name = f.getName();
    if (name.endsWith(".metadata.json") && !name.matches("v\\d+\\.metadata\\.json")
        && f.getParent().getName().equals("metadata") && committed(f.getParent())) {
      FaultPoint.at("before", f.toString());
    }
    return super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress);
  }

  /** Whether the table has a version already: its creation is not the commit of a run's rows. */
  private boolean committed(Path metadata) throws IOException {
    if (!exists(metadata)) {
      return false;
    }
    for (var st : listStatus(metadata)) {
      if (st.getPath().getName().matches("v\\d+\\.metadata\\.json")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean rename(Path src, Path dst) throws IOException {
    boolean renamed = super.rename(src, dst);
    if (dst.getName().matches("v\\d+\\.metadata\\.json")) {
      FaultPoint.at("after", dst.toString());
    }
    return renamed;
  }
}
