package org.lsmspark.cli;

import org.lsmspark.spark.Corpus;
import picocli.CommandLine.Option;

/** The corpus's column names; defaults are {@link Corpus.Columns#defaults()}, the SGD layout. */
final class CorpusColumnsMixin {
  @Option(names = "--conversation-col", defaultValue = Corpus.DEFAULT_CONVERSATION_COL,
      description = "Conversation id column (default: ${DEFAULT-VALUE}).")
  String conversation;

  @Option(names = "--turn-index-col", defaultValue = Corpus.DEFAULT_TURN_INDEX_COL,
      description = "Turn index column (default: ${DEFAULT-VALUE}).")
  String turnIndex;

  @Option(names = "--text-col", defaultValue = Corpus.DEFAULT_TEXT_COL,
      description = "Turn text column (default: ${DEFAULT-VALUE}).")
  String text;

  @Option(names = "--turns-col", defaultValue = Corpus.DEFAULT_TURNS_COL,
      description = "Array-of-turns column of the conversation layout (default: ${DEFAULT-VALUE}).")
  String turns;

  Corpus.Columns columns() {
    return new Corpus.Columns(conversation, turnIndex, text, turns);
  }
}
