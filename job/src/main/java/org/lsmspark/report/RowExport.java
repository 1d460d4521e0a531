package org.lsmspark.report;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.lsmspark.spark.Redaction;

/**
 * Writes a run's rows to one local-or-Hadoop file as JSON lines or CSV, ordered by conversation
 * and turn, for tools without a Parquet reader. Nested values (the top k) are JSON; in CSV they
 * are a JSON string in their cell.
 */
public final class RowExport {
  /** The export formats, chosen by the output's extension unless given. */
  public enum Format {
    JSONL, CSV;

    /** The format {@code name} names, else the one of {@code path}'s extension. */
    public static Format of(String name, String path) {
      String n = name != null ? name.toLowerCase(Locale.ROOT)
          : path.endsWith(".csv") ? "csv" : path.endsWith(".jsonl") || path.endsWith(".json") ? "jsonl" : null;
      if ("jsonl".equals(n)) {
        return JSONL;
      }
      if ("csv".equals(n)) {
        return CSV;
      }
      throw new IllegalArgumentException(name != null ? "--format must be jsonl or csv, got '" + name + "'"
          : "--output " + Redaction.path(path) + ": name it .jsonl or .csv, or give --format jsonl|csv");
    }
  }

  private static final JsonFactory JSON = new JsonFactory();

  private RowExport() {}

  /** Writes the run's rows to {@code target}, replacing it; returns how many. */
  public static long write(SparkSession spark, ScoringRun run, Format format, String target) {
    Dataset<Row> rows = run.rows().orderBy(col("conversation_id"), col("turn_index"));
    List<StructField> fields = List.of(rows.schema().fields());
    Path p = new Path(target);
    // written beside and renamed at the end, so that the file appears only when complete
    Path partial = new Path(p.getParent(), "." + p.getName() + ".partial");
    long n = 0;
    try {
      FileSystem fs = ReportFiles.fileSystem(spark, p);
      try (Writer out = new BufferedWriter(new OutputStreamWriter(fs.create(partial, true),
          StandardCharsets.UTF_8))) {
        if (format == Format.CSV) {
          out.write(String.join(",", fields.stream().map(f -> csv(f.name())).toList()));
          out.write("\r\n");
        }
        for (Iterator<Row> it = rows.toLocalIterator(); it.hasNext(); n++) {
          Row r = it.next();
          out.write(format == Format.CSV ? csvLine(r, fields) : jsonLine(r, fields));
          out.write(format == Format.CSV ? "\r\n" : "\n");
        }
      }
      if (fs.exists(p) && !fs.delete(p, false) || !fs.rename(partial, p)) {
        throw new IOException("cannot move " + partial.getName() + " to " + p.getName());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + Redaction.path(target) + ": " + Redaction.text(e.getMessage()),
          e);
    }
    return n;
  }

  static String jsonLine(Row r, List<StructField> fields) throws IOException {
    StringWriter s = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(s)) {
      g.writeStartObject();
      for (int i = 0; i < fields.size(); i++) {
        g.writeFieldName(fields.get(i).name());
        value(g, r.get(i));
      }
      g.writeEndObject();
    }
    return s.toString();
  }

  static String csvLine(Row r, List<StructField> fields) throws IOException {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      Object v = r.get(i);
      if (v == null) {
        continue; // an empty cell; an empty string is written quoted
      }
      String text;
      if (v instanceof Row || v instanceof scala.collection.Seq<?> || v instanceof scala.collection.Map<?, ?>) {
        StringWriter s = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(s)) {
          value(g, v);
        }
        text = s.toString();
      } else {
        text = scalar(v);
      }
      b.append(text.isEmpty() ? "\"\"" : csv(text));
    }
    return b.toString();
  }

  /** RFC 4180: quoted when it holds a comma, quote or line break, quotes doubled. */
  static String csv(String s) {
    if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
      return s;
    }
    return "\"" + s.replace("\"", "\"\"") + "\"";
  }

  private static String scalar(Object v) {
    if (v instanceof Timestamp t) {
      return t.toInstant().toString();
    }
    if (v instanceof Date d) {
      return d.toLocalDate().toString();
    }
    if (v instanceof Instant || v instanceof LocalDate) {
      return v.toString();
    }
    return String.valueOf(v);
  }

  private static void value(JsonGenerator g, Object v) throws IOException {
    if (v == null) {
      g.writeNull();
    } else if (v instanceof String s) {
      g.writeString(s);
    } else if (v instanceof Integer i) {
      g.writeNumber(i);
    } else if (v instanceof Long l) {
      g.writeNumber(l);
    } else if (v instanceof Float f) {
      g.writeNumber(f);
    } else if (v instanceof Double d) {
      g.writeNumber(d);
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (v instanceof Row row) {
      g.writeStartObject();
      String[] names = row.schema().fieldNames();
      for (int i = 0; i < names.length; i++) {
        g.writeFieldName(names[i]);
        value(g, row.get(i));
      }
      g.writeEndObject();
    } else if (v instanceof scala.collection.Seq<?> seq) {
      g.writeStartArray();
      for (scala.collection.Iterator<?> it = seq.iterator(); it.hasNext(); ) {
        value(g, it.next());
      }
      g.writeEndArray();
    } else if (v instanceof scala.collection.Map<?, ?> map) {
      g.writeStartObject();
      for (scala.collection.Iterator<? extends scala.Tuple2<?, ?>> it = map.iterator(); it.hasNext(); ) {
        scala.Tuple2<?, ?> e = it.next();
        g.writeFieldName(String.valueOf(e._1()));
        value(g, e._2());
      }
      g.writeEndObject();
    } else {
      g.writeString(scalar(v));
    }
  }
}
