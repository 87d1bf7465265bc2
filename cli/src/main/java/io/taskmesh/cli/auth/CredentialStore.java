package io.taskmesh.cli.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.taskmesh.cli.CliException;
import io.taskmesh.cli.ExitCode;
import io.taskmesh.cli.output.Json;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/** {@code credentials.json} in the configuration directory, readable by its owner only. */
public final class CredentialStore {

    private final Path file;

    public CredentialStore(Path dir) {
        this.file = dir.resolve("credentials.json");
    }

    public Path file() {
        return file;
    }

    public Optional<Credentials> load() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.MAPPER.readValue(file.toFile(), Credentials.class));
        } catch (IOException e) {
            throw new CliException(ExitCode.AUTH, "cannot read " + file + " (" + e.getMessage()
                    + "): log in again with 'taskmesh login'");
        }
    }

    public void save(Credentials credentials) {
        try {
            createPrivateDirectory(file.getParent());
            Path temp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(temp);
            try {
                Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException | FileAlreadyExistsException e) {
                // not a POSIX file system: the directory's protection is all there is
            }
            Files.writeString(temp, Json.MAPPER.writeValueAsString(credentials));
            try {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILED, "cannot write " + file + ": " + e.getMessage());
        }
    }

    private static void createPrivateDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (dir.getParent() != null) {
            Files.createDirectories(dir.getParent());
        }
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) {
            Files.createDirectory(dir);
        }
    }

    public boolean delete() {
        try {
            return Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILED, "cannot delete " + file + ": " + e.getMessage());
        }
    }
}
