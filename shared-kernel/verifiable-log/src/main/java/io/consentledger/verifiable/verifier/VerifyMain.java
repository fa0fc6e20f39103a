package io.consentledger.verifiable.verifier;

import io.consentledger.verifiable.leaf.LogEntry;
import io.consentledger.verifiable.leaf.SealedGap;
import io.consentledger.verifiable.leaf.StoredEvent;
import io.consentledger.verifiable.merkle.ConsistencyProof;
import io.consentledger.verifiable.merkle.HashSource;
import io.consentledger.verifiable.merkle.Hashes;
import io.consentledger.verifiable.merkle.InvalidProofException;
import io.consentledger.verifiable.merkle.MerkleProofs;
import io.consentledger.verifiable.note.Checkpoint;
import io.consentledger.verifiable.note.NoteSigner;
import io.consentledger.verifiable.note.NoteVerifier;
import io.consentledger.verifiable.note.TlogProof;
import io.consentledger.verifiable.tiles.TileAppender;
import io.consentledger.verifiable.tiles.Tiles;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The offline verifier, {@code consent-ledger-verify.jar}: Java 17 and the verifier key are all it needs.
 * <pre>
 * java -jar consent-ledger-verify.jar --key &lt;vkey file or string&gt; --checkpoint cp.txt
 *      [--previous old-cp.txt] [--export events.ndjson] [--consistency proof.json] [--receipt r.tlog-proof]...
 * </pre>
 * Exit 0 when every check passes, 1 when one fails (the first failure is printed, naming the position or the
 * check), 2 for a usage error or an unreadable file.
 */
public final class VerifyMain {

    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    private static final String USAGE_TEXT = """
            usage: java -jar consent-ledger-verify.jar --key <vkey-file-or-string> --checkpoint <file>
                   [--previous <file>] [--export <events.ndjson>] [--consistency <proof.json>] [--receipt <file>]...
              --key          the log's verifier key (name+keyid+base64), or a file holding it
              --checkpoint   the signed checkpoint to verify
              --previous     an earlier checkpoint you trusted: the log must be consistent with it
              --export       the log's export (NDJSON): recomputes every leaf and the root
              --consistency  a consistency proof {from,to,hashes} from --previous to --checkpoint (without --export)
              --receipt      a c2sp.org/tlog-proof@v1 receipt to check (repeatable)
            or:    java -jar consent-ledger-verify.jar --generate-key <name>
              prints a new signer key (PRIVATE+KEY+..., keep it secret) and its verifier key, one per line
            """;

    private VerifyMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the verifier; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.print(USAGE_TEXT);
            return USAGE;
        }
        if (options.help) {
            out.print(USAGE_TEXT);
            return OK;
        }
        if (options.generateKey != null) {
            try {
                NoteSigner signer = NoteSigner.generate(options.generateKey);
                out.println(signer.skey());
                out.println(signer.verifier().vkey());
                return OK;
            } catch (IllegalArgumentException e) {
                err.println("error: " + e.getMessage());
                return USAGE;
            }
        }
        try {
            new Run(options, out).verify();
            out.println("OK: all checks passed");
            return OK;
        } catch (UsageError e) {
            err.println("error: " + e.getMessage());
            return USAGE;
        } catch (VerificationFailure | InvalidProofException e) {
            out.println("FAILED: " + e.getMessage());
            return FAILED;
        } catch (IllegalArgumentException | IllegalStateException e) {
            out.println("FAILED: " + e.getMessage());
            return FAILED;
        }
    }

    private static final class UsageError extends RuntimeException {
        UsageError(String message) {
            super(message);
        }
    }

    private static final class Options {
        String key;
        String checkpoint;
        String previous;
        String export;
        String consistency;
        final List<String> receipts = new ArrayList<>();
        boolean help;
        String generateKey;

        static Options parse(String[] args) {
            Options options = new Options();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (arg.equals("--help") || arg.equals("-h")) {
                    options.help = true;
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value after " + arg);
                }
                String value = args[++i];
                switch (arg) {
                    case "--key" -> options.key = value;
                    case "--checkpoint" -> options.checkpoint = value;
                    case "--previous" -> options.previous = value;
                    case "--export" -> options.export = value;
                    case "--consistency" -> options.consistency = value;
                    case "--receipt" -> options.receipts.add(value);
                    case "--generate-key" -> options.generateKey = value;
                    default -> throw new IllegalArgumentException("unknown option " + arg);
                }
            }
            if (!options.help && options.generateKey == null && (options.key == null || options.checkpoint == null)) {
                throw new IllegalArgumentException("--key and --checkpoint are required");
            }
            return options;
        }
    }

    /** One verification run. */
    private static final class Run {
        private final Options options;
        private final PrintStream out;
        private NoteVerifier key;
        private Checkpoint checkpoint;
        private List<byte[]> leafHashes; // from the export, when given
        private HashSource tree;

        Run(Options options, PrintStream out) {
            this.options = options;
            this.out = out;
        }

        void verify() {
            key = NoteVerifier.parse(keyText(options.key));
            checkpoint = openCheckpoint(options.checkpoint, "checkpoint");
            Checkpoint previous = options.previous == null ? null : openCheckpoint(options.previous, "previous checkpoint");
            if (previous != null && previous.size() > checkpoint.size()) {
                throw new VerificationFailure("the previous checkpoint (size " + previous.size()
                                              + ") is larger than the checkpoint (size " + checkpoint.size()
                                              + "): the log was rolled back");
            }
            if (options.export != null) {
                verifyExport(previous);
            }
            if (options.consistency != null) {
                verifyConsistencyProof(previous);
            } else if (previous != null && options.export == null) {
                throw new UsageError("--previous needs --export or --consistency to check consistency");
            }
            for (String receipt : options.receipts) {
                verifyReceipt(receipt);
            }
        }

        private Checkpoint openCheckpoint(String file, String what) {
            try {
                Checkpoint opened = Checkpoint.open(read(file), key);
                out.println("OK " + what + ": " + opened.origin() + ", tree size " + opened.size() + ", root "
                            + Hashes.base64(opened.rootHash()) + ", signed by " + key.name() + "+" + key.keyIdHex());
                return opened;
            } catch (InvalidProofException e) {
                throw new VerificationFailure(what + " " + file + ": " + e.getMessage());
            }
        }

        private void verifyExport(Checkpoint previous) {
            leafHashes = new ArrayList<>();
            long events = 0;
            long gaps = 0;
            try (BufferedReader reader = Files.newBufferedReader(path(options.export), StandardCharsets.UTF_8)) {
                String line;
                long position = 0;
                while ((line = reader.readLine()) != null) {
                    if (line.isBlank()) {
                        continue;
                    }
                    ExportFormat.Line parsed;
                    try {
                        parsed = ExportFormat.parse(line);
                    } catch (IllegalArgumentException e) {
                        throw new VerificationFailure("position " + position + ": line " + (position + 1)
                                                      + " of the export is not a valid entry: " + e.getMessage());
                    }
                    LogEntry entry = parsed.entry();
                    if (entry.position() != position) {
                        throw new VerificationFailure("position " + position + ": the export has position "
                                                      + entry.position() + " here, so position " + position
                                                      + " is missing or out of order (a deleted or moved line)");
                    }
                    byte[] leafHash = entry.leafHash();
                    if (parsed.recordedLeafHash() != null && !Hashes.equal(leafHash, parsed.recordedLeafHash())) {
                        throw new VerificationFailure("position " + position + ": the " + describe(entry)
                                                      + " does not match the leaf hash the tree recorded for it"
                                                      + " (the event was changed after it was logged)");
                    }
                    leafHashes.add(leafHash);
                    if (entry instanceof SealedGap) {
                        gaps++;
                    } else {
                        events++;
                    }
                    position++;
                }
            } catch (IOException e) {
                throw new UsageError("cannot read the export " + options.export + ": " + e.getMessage());
            }
            long size = checkpoint.size();
            if (leafHashes.size() < size) {
                throw new VerificationFailure("position " + leafHashes.size() + ": the export ends after "
                                              + leafHashes.size() + " positions but the checkpoint covers " + size
                                              + " (positions " + leafHashes.size() + ".." + (size - 1) + " are missing)");
            }
            tree = Tiles.hashSource(TileAppender.append(0, List.of(), leafHashes));
            byte[] root = MerkleProofs.root(size, tree);
            if (!Hashes.equal(root, checkpoint.rootHash())) {
                throw new VerificationFailure("the export's first " + size + " positions hash to root "
                                              + Hashes.base64(root) + ", not the checkpoint's root "
                                              + Hashes.base64(checkpoint.rootHash())
                                              + " (the tree was not computed over these events)");
            }
            out.println("OK export: positions 0.." + (size - 1) + " (" + events + " events, " + gaps
                        + " sealed gaps in the file) reproduce the checkpoint's root"
                        + (leafHashes.size() > size ? "; " + (leafHashes.size() - size)
                                                      + " later positions are not covered by the checkpoint" : ""));
            if (previous != null) {
                byte[] earlier = MerkleProofs.root(previous.size(), tree);
                if (!Hashes.equal(earlier, previous.rootHash())) {
                    throw new VerificationFailure("not consistent with the previous checkpoint: the export's first "
                                                  + previous.size() + " positions hash to " + Hashes.base64(earlier)
                                                  + ", but the previously trusted checkpoint of size "
                                                  + previous.size() + " has root "
                                                  + Hashes.base64(previous.rootHash())
                                                  + " (history before position " + previous.size()
                                                  + " was rewritten)");
                }
                ConsistencyProof proof = MerkleProofs.consistency(previous.size(), size, tree);
                proof.verify(previous.rootHash(), checkpoint.rootHash());
                out.println("OK consistency: the checkpoint of size " + size
                            + " extends the previous checkpoint of size " + previous.size());
            }
        }

        private void verifyConsistencyProof(Checkpoint previous) {
            if (previous == null) {
                throw new UsageError("--consistency needs --previous");
            }
            ConsistencyProof proof;
            try {
                proof = ConsistencyProof.fromJson(read(options.consistency));
            } catch (IllegalArgumentException e) {
                throw new VerificationFailure("consistency proof " + options.consistency + ": " + e.getMessage());
            }
            if (proof.from() != previous.size() || proof.to() != checkpoint.size()) {
                throw new VerificationFailure("the consistency proof is from size " + proof.from() + " to "
                                              + proof.to() + ", not from " + previous.size() + " to "
                                              + checkpoint.size());
            }
            try {
                proof.verify(previous.rootHash(), checkpoint.rootHash());
            } catch (InvalidProofException e) {
                throw new VerificationFailure("not consistent with the previous checkpoint: " + e.getMessage());
            }
            out.println("OK consistency proof: the checkpoint of size " + checkpoint.size()
                        + " extends the previous checkpoint of size " + previous.size());
        }

        private void verifyReceipt(String file) {
            String what = "receipt " + file;
            TlogProof receipt;
            LogEntry entry;
            try {
                receipt = TlogProof.parse(read(file));
                if (receipt.extra() == null) {
                    throw new VerificationFailure(what + ": it carries no leaf (no extra line)");
                }
                entry = LogEntry.fromLeafBytes(receipt.extra());
            } catch (IllegalArgumentException | InvalidProofException e) {
                throw new VerificationFailure(what + ": " + e.getMessage());
            }
            if (entry.position() != receipt.index()) {
                throw new VerificationFailure(what + ": its leaf is position " + entry.position()
                                              + " but it proves index " + receipt.index());
            }
            byte[] leafHash = entry.leafHash();
            Checkpoint proven;
            try {
                proven = receipt.verify(key, leafHash);
            } catch (InvalidProofException e) {
                throw new VerificationFailure(what + ", position " + receipt.index() + ": " + e.getMessage());
            }
            if (proven.size() == checkpoint.size() && !Hashes.equal(proven.rootHash(), checkpoint.rootHash())) {
                throw new VerificationFailure(what + ": its checkpoint has the same size as --checkpoint but another "
                                              + "root: the log showed two different trees (a fork)");
            }
            if (tree != null && proven.size() <= leafHashes.size()) {
                if (!Hashes.equal(MerkleProofs.root(proven.size(), tree), proven.rootHash())) {
                    throw new VerificationFailure(what + ": its checkpoint (size " + proven.size()
                                                  + ") does not match the export's first positions");
                }
            }
            out.println("OK receipt " + file + ": position " + entry.position() + ", " + describe(entry)
                        + ", is in the log of size " + proven.size());
        }

        private static String describe(LogEntry entry) {
            if (entry instanceof StoredEvent event) {
                return "event " + event.eventId() + " (" + event.payloadType() + ")";
            }
            return "sealed gap";
        }

        private static String keyText(String value) {
            try {
                Path path = Path.of(value);
                if (Files.isRegularFile(path)) {
                    return Files.readString(path, StandardCharsets.UTF_8).strip();
                }
            } catch (InvalidPathException | IOException e) {
                // not a file: the key itself
            }
            return value.strip();
        }

        private static String read(String file) {
            try {
                return Files.readString(path(file), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UsageError("cannot read " + file + ": " + e.getMessage());
            }
        }

        private static Path path(String file) {
            try {
                return Path.of(file);
            } catch (InvalidPathException e) {
                throw new UsageError("not a file name: " + file);
            }
        }
    }

}
