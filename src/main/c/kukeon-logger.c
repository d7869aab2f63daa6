/*
 * kukeon-logger: writes a container's stdout and stderr to its log in the kubelet's CRI format,
 * rotating by size and count. containerd's shim starts it once per task (binary:// logging) with
 * the task's stdout on fd 3, its stderr on fd 4, and waits for fd 5 to be closed (ready). It lives
 * as long as the task's output does, outside kukeond, so logs are written while kukeond is down.
 *
 * Arguments are key/value pairs, in any order (the shim builds them from the URI's query, a Go map):
 *   file PATH         the current log (rotated files are PATH.1, PATH.2, ...)
 *   max-size BYTES    a file is rotated before a record would take it over this size
 *   max-files N       the current file and N-1 rotated ones are kept
 *
 * Each line becomes one record "<RFC3339Nano UTC> <stdout|stderr> <F|P> <text>\n" (the lines of one
 * read share its time: when the logger got them); a line longer than the line buffer is cut into
 * P records ending with an F one. Records reach the file whole:
 * each lies within one write(2) on an O_APPEND fd, and one process writes both streams. SIGTERM
 * (the shim's, at task delete) is ignored so both pipes drain to their end. A failed write (a full
 * disk) drops the records it held, counts them, and the next ones are tried again.
 *
 * C99 + POSIX only: no library, nothing to install beside it.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define LINE_MAX_BYTES (16 * 1024)     /* longest text of one record; longer lines become P records */
#define OUT_BUFFER (64 * 1024)         /* records waiting for one write(2) */
#define HEADER_MAX 48                  /* "2006-01-02T15:04:05.123456789Z stdout F " and '\n' */
#define MIN_SIZE 4096L
#define MAX_SIZE (1024L * 1024 * 1024)
#define MAX_FILES 100

struct stream {
    int fd;
    const char *name;
    char line[LINE_MAX_BYTES];
    size_t used;
};

static const char *log_path;
static long max_size;
static int max_files;
static size_t line_limit;              /* text bytes per record: a record always fits in max_size */

static int log_fd = -1;
static long log_size;
static char out[OUT_BUFFER];
static size_t out_used;
static size_t out_records;
static unsigned long dropped;          /* records lost to failed writes since the last report */

static void complain(const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    dprintf(2, "kukeon-logger: %s\n", msg);
}

static int open_log(void) {
    struct stat st;
    log_fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (log_fd < 0) {
        return -1;
    }
    log_size = fstat(log_fd, &st) == 0 ? (long) st.st_size : 0;
    return 0;
}

static void rotated_name(char *buf, size_t size, int n) {
    if (n == 0) {
        snprintf(buf, size, "%s", log_path);
    } else {
        snprintf(buf, size, "%s.%d", log_path, n);
    }
}

/* current -> .1 -> .2 ...; the one that would become .max_files is removed. */
static void rotate(void) {
    char from[PATH_MAX], to[PATH_MAX];
    if (log_fd >= 0) {
        close(log_fd);
        log_fd = -1;
    }
    rotated_name(to, sizeof to, max_files - 1);
    if (unlink(to) != 0 && errno != ENOENT) {
        complain("cannot remove %s: %s", to, strerror(errno));
    }
    for (int n = max_files - 1; n >= 1; n--) {
        rotated_name(from, sizeof from, n - 1);
        rotated_name(to, sizeof to, n);
        if (rename(from, to) != 0 && errno != ENOENT) {
            complain("cannot rename %s to %s: %s", from, to, strerror(errno));
        }
    }
    if (open_log() != 0) {
        complain("cannot open %s: %s", log_path, strerror(errno));
    }
}

/* Writes the buffered records in one write(2); on failure they are dropped and counted. */
static void flush_out(void) {
    if (out_used == 0) {
        return;
    }
    if (log_fd < 0 && open_log() != 0) {
        if (dropped == 0) {
            complain("cannot open %s: %s; dropping records until it can be", log_path, strerror(errno));
        }
        dropped += out_records;
        out_used = out_records = 0;
        return;
    }
    ssize_t n;
    do {
        n = write(log_fd, out, out_used);
    } while (n < 0 && errno == EINTR);
    if (n == (ssize_t) out_used) {
        log_size += (long) n;
        if (dropped > 0) {
            complain("writing %s again; %lu records were dropped", log_path, dropped);
            dropped = 0;
        }
    } else {
        int err = n < 0 ? errno : ENOSPC;
        if (n > 0 && ftruncate(log_fd, log_size) != 0) {
            log_size += (long) n;   /* the torn record stays; later records still start on a line */
        }
        if (dropped == 0) {
            complain("cannot write %s: %s; dropping records until it can be", log_path, strerror(err));
        }
        dropped += out_records;
    }
    out_used = out_records = 0;
}

/*
 * The time of the records cut from one read: the moment the bytes reached the logger. Formatted
 * once per read (the seconds once per second), so a flood of short lines costs a copy per record.
 */
static char now_text[40];
static size_t now_length;

static void stamp_now(void) {
    static time_t cached_second = -1;
    static char cached[32];
    struct timespec now;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &now);
    if (now.tv_sec != cached_second) {
        gmtime_r(&now.tv_sec, &tm);
        strftime(cached, sizeof cached, "%Y-%m-%dT%H:%M:%S", &tm);
        cached_second = now.tv_sec;
    }
    now_length = (size_t) snprintf(now_text, sizeof now_text, "%s.%09ldZ", cached, (long) now.tv_nsec);
}

static void record(const struct stream *s, const char *text, size_t len, char tag) {
    size_t need = HEADER_MAX + len;
    if (out_used + need > sizeof out) {
        flush_out();
    }
    char *p = out + out_used;
    memcpy(p, now_text, now_length);
    p += now_length;
    *p++ = ' ';
    memcpy(p, s->name, 6);   /* "stdout" or "stderr" */
    p += 6;
    *p++ = ' ';
    *p++ = tag;
    *p++ = ' ';
    memcpy(p, text, len);
    p += len;
    *p++ = '\n';
    size_t size = (size_t) (p - (out + out_used));
    if (log_size + (long) (out_used + size) > max_size && log_size + (long) out_used > 0) {
        /* the record would take the file over max-size: what is pending goes first, then a new file */
        char pending[HEADER_MAX + LINE_MAX_BYTES];
        memcpy(pending, out + out_used, size);
        flush_out();
        rotate();
        memcpy(out, pending, size);
    }
    out_used += size;
    out_records++;
}

/* Cuts the stream's buffered bytes into records: complete lines, and P records of full buffers. */
static void split_lines(struct stream *s, int at_eof) {
    size_t start = 0;
    for (;;) {
        char *nl = memchr(s->line + start, '\n', s->used - start);
        if (nl == NULL) {
            break;
        }
        size_t len = (size_t) (nl - (s->line + start));
        record(s, s->line + start, len, 'F');
        start += len + 1;
    }
    size_t rest = s->used - start;
    if (rest >= line_limit || (at_eof && rest > 0)) {
        record(s, s->line + start, rest, at_eof ? 'F' : 'P');
        rest = 0;
    }
    memmove(s->line, s->line + start, rest);
    s->used = rest;
}

/* Reads what the pipe has; returns 0 at its end. */
static int drain(struct stream *s) {
    ssize_t n;
    do {
        n = read(s->fd, s->line + s->used, line_limit - s->used);
    } while (n < 0 && errno == EINTR);
    if (n < 0 && errno == EAGAIN) {
        return 1;
    }
    stamp_now();
    if (n <= 0) {
        if (n < 0) {
            complain("cannot read %s: %s", s->name, strerror(errno));
        }
        split_lines(s, 1);
        return 0;
    }
    s->used += (size_t) n;
    split_lines(s, 0);
    return 1;
}

static long number(const char *key, const char *value, long min, long max) {
    char *end;
    errno = 0;
    long v = strtol(value, &end, 10);
    if (errno != 0 || *value == '\0' || *end != '\0' || v < min || v > max) {
        complain("%s must be a whole number from %ld to %ld, got \"%s\"", key, min, max, value);
        exit(2);
    }
    return v;
}

static void parse_pairs(int argc, char **argv) {
    if (argc % 2 != 1) {
        complain("arguments are key/value pairs: file PATH max-size BYTES max-files N");
        exit(2);
    }
    max_size = 10L * 1024 * 1024;
    max_files = 5;
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *key = argv[i], *value = argv[i + 1];
        if (strcmp(key, "file") == 0) {
            log_path = value;
        } else if (strcmp(key, "max-size") == 0) {
            max_size = number(key, value, MIN_SIZE, MAX_SIZE);
        } else if (strcmp(key, "max-files") == 0) {
            max_files = (int) number(key, value, 1, MAX_FILES);
        } else {
            complain("unknown argument \"%s\" (known: file, max-size, max-files)", key);
            exit(2);
        }
    }
    if (log_path == NULL || log_path[0] != '/' || strlen(log_path) + 4 >= PATH_MAX) {
        complain("file must be an absolute path");
        exit(2);
    }
    line_limit = (size_t) max_size - HEADER_MAX < LINE_MAX_BYTES ? (size_t) max_size - HEADER_MAX : LINE_MAX_BYTES;
}

int main(int argc, char **argv) {
    parse_pairs(argc, argv);
    signal(SIGTERM, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    umask(077);   /* the shim's umask is its own: logs are root's only */
    close(5);     /* ready: the shim goes on (before the log is opened, which may then take fd 5) */
    if (open_log() != 0) {
        complain("cannot open %s: %s", log_path, strerror(errno));
    }

    static struct stream streams[2];
    streams[0].fd = 3;
    streams[0].name = "stdout";
    streams[1].fd = 4;
    streams[1].name = "stderr";
    struct pollfd fds[2];
    int open_streams = 0;
    for (int i = 0; i < 2; i++) {
        fds[i].fd = fcntl(streams[i].fd, F_GETFD) == -1 ? -1 : streams[i].fd;
        fds[i].events = POLLIN;
        open_streams += fds[i].fd >= 0;
    }
    while (open_streams > 0) {
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            complain("poll: %s", strerror(errno));
            break;
        }
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd >= 0 && fds[i].revents != 0 && !drain(&streams[i])) {
                close(fds[i].fd);
                fds[i].fd = -1;
                open_streams--;
            }
        }
        flush_out();   /* what was read is on disk before waiting again */
    }
    flush_out();
    if (dropped > 0) {
        complain("%lu records were dropped", dropped);
    }
    return 0;
}
