package dev.sediment.store.manifest;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.sediment.store.manifest.VersionTest.file;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Table-driven: each case is a level shape (files in the given order) and the violation it must report. */
class LevelCheckerTest {
    private record Case(String name, List<List<FileMetadata>> levels, String expected) {
    }

    private static List<List<FileMetadata>> levels(int level, FileMetadata... files) {
        List<List<FileMetadata>> levels = new ArrayList<>(Version.emptyLevels());
        levels.set(level, List.of(files));
        return levels;
    }

    private static Version version(List<List<FileMetadata>> levels) {
        return new Version(levels, 0, 0, 0, List.of(), List.of());
    }

    @Test
    void violationsAreCaught() {
        List<Case> cases = List.of(
                new Case("overlap in L1",
                        levels(1, file(1, "a", 5, "f", 1, 1, 5, 10), file(2, "d", 5, "k", 1, 1, 5, 10)),
                        "files 1 and 2 overlap"),
                new Case("user key split across adjacent L1 files",
                        levels(1, file(1, "a", 5, "f", 4, 1, 5, 10), file(2, "f", 3, "k", 1, 1, 5, 10)),
                        "split user key f"),
                new Case("L1 out of order",
                        levels(1, file(1, "m", 5, "p", 1, 1, 5, 10), file(2, "a", 5, "c", 1, 1, 5, 10)),
                        "overlap or are out of order"),
                new Case("L0 out of order",
                        levels(0, file(1, "a", 5, "f", 1, 1, 5, 10), file(2, "a", 9, "f", 6, 6, 9, 10)),
                        "not newest first"),
                new Case("L0 tie broken by file number ascending",
                        levels(0, file(1, "a", 5, "f", 1, 1, 5, 10), file(2, "a", 5, "f", 1, 1, 5, 10)),
                        "not newest first"),
                new Case("smallest above largest",
                        levels(2, file(1, "z", 5, "a", 1, 1, 5, 10)),
                        "smallest key z#5,PUT is above largest key a#1,DELETE"),
                new Case("smallest above largest by trailer",
                        levels(2, file(1, "a", 1, "a", 5, 1, 5, 10)),
                        "is above largest key"),
                new Case("min revision above max revision",
                        levels(3, file(1, "a", 5, "b", 1, 7, 5, 10)),
                        "min revision 7 is above max revision 5"),
                new Case("duplicate file number across levels", duplicate(),
                        "file 4 is both in L1 and in L3"));
        for (Case c : cases) {
            Version v = version(c.levels());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> LevelChecker.check(v), c.name());
            assertTrue(e.getMessage().contains(c.expected()), c.name() + ": " + e.getMessage());
            assertTrue(e.getMessage().contains(v.toDebugString()), c.name() + " includes the version: " + e.getMessage());
        }
    }

    private static List<List<FileMetadata>> duplicate() {
        List<List<FileMetadata>> levels = levels(1, file(4, "a", 5, "b", 1, 1, 5, 10));
        levels.set(3, List.of(file(4, "x", 5, "y", 1, 1, 5, 10)));
        return levels;
    }

    @Test
    void validShapePasses() {
        List<List<FileMetadata>> levels = new ArrayList<>(Version.emptyLevels());
        levels.set(0, List.of(file(9, "a", 30, "z", 21, 21, 30, 10), file(8, "c", 20, "d", 11, 11, 20, 10),
                file(3, "a", 20, "b", 11, 11, 20, 10)));
        levels.set(1, List.of(file(4, "a", 5, "f", 1, 1, 5, 10), file(5, "g", 5, "k", 1, 1, 5, 10),
                file(6, "k\u0000", 5, "m", 1, 1, 5, 10)));
        levels.set(6, List.of(file(1, "", 1, "zz", 1, 1, 1, 10), file(2, "zz\u0001", 1, "zz\u0001", 1, 1, 1, 10)));
        LevelChecker.check(version(levels));
        LevelChecker.check(Version.empty());
        // What VersionBuilder produces from the same files, in any order, passes too.
        VersionEdit.Builder edit = VersionEdit.builder();
        for (int level = Version.NUM_LEVELS - 1; level >= 0; level--) {
            for (FileMetadata f : levels.get(level)) {
                edit.addFile(level, f);
            }
        }
        LevelChecker.check(VersionBuilder.apply(Version.empty(), edit.build(), -1));
    }
}
