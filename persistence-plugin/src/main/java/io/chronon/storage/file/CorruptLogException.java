package io.chronon.storage.file;

import java.io.IOException;

/** A log that is not opened because acknowledged records follow a damaged one (see {@link FileLogStore}). */
public final class CorruptLogException extends IOException {
    CorruptLogException(String message) {
        super(message);
    }
}
