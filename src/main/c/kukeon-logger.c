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
 *   attach-socket P   (optional) a unix socket (0600) where up to 16 clients get every output byte
 *                     raw as it comes and send bytes to the task's stdin
 *   stdin P           (with attach-socket) the task's stdin FIFO, held open read-write so the task
 *                     never sees its end while the logger lives (a kukeond killed meanwhile included)
 *
 * Each line becomes one record "<RFC3339Nano UTC> <stdout|stderr> <F|P> <text>\n" (the lines of one
 * read share its time: when the logger got them); a line longer than the line buffer is cut into
 * P records ending with an F one. Records reach the file whole:
 * each lies within one write(2) on an O_APPEND fd, and one process writes both streams. SIGTERM
 * (the shim's, at task delete) is ignored so both pipes drain to their end. A failed write (a full
 * disk) drops the records it held, counts them, and the next ones are tried again.
 *
 * When both pipes reached their end and everything is written, PATH.ended is created: a reader of
 * the run (kuke run) knows it has all of it.
 *
 * Attached clients never hold logging up: a client more than CLIENT_OUTPUT bytes behind is
 * disconnected; a client's input waits in CLIENT_INPUT bytes (it is not read while they are full)
 * and goes to the FIFO without blocking.
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
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define LINE_MAX_BYTES (16 * 1024)     /* longest text of one record; longer lines become P records */
#define OUT_BUFFER (64 * 1024)         /* records waiting for one write(2) */
#define HEADER_MAX 48                  /* "2006-01-02T15:04:05.123456789Z stdout F " and '\n' */
#define MIN_SIZE 4096L
#define MAX_SIZE (1024L * 1024 * 1024)
#define MAX_FILES 100
#define MAX_CLIENTS 16
#define CLIENT_OUTPUT (256 * 1024)     /* output a client may be behind before it is disconnected */
#define CLIENT_INPUT (64 * 1024)       /* a client's bytes waiting for the task's stdin */

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

static const char *attach_path;
static const char *stdin_path;
static int listen_fd = -1;
static int stdin_fd = -1;

struct client {
    int fd;                            /* -1: a free slot */
    char *output;                      /* CLIENT_OUTPUT bytes: what it has not taken yet */
    size_t output_start, output_used;
    char *input;                       /* CLIENT_INPUT bytes: what the task's stdin has not taken yet */
    size_t input_start, input_used;
};
static struct client clients[MAX_CLIENTS];

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
            log_size += (long) n;   /* the torn record cannot be cut off: it stays, and reads as a plain line */
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

/* ---- attached clients: raw output out, input to the task's stdin ---- */

static void set_nonblocking(int fd) {
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    fcntl(fd, F_SETFD, FD_CLOEXEC);
}

static void drop_client(struct client *c) {
    close(c->fd);
    c->fd = -1;
    free(c->output);
    free(c->input);
    c->output = c->input = NULL;
}

/* The task's stdin FIFO, read-write: it has a writer as long as the logger lives. */
static void open_stdin(void) {
    stdin_fd = open(stdin_path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (stdin_fd < 0) {
        complain("cannot open the stdin FIFO %s: %s; input from attached clients is dropped", stdin_path, strerror(errno));
    }
}

static void listen_attach(void) {
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    if (strlen(attach_path) >= sizeof addr.sun_path) {
        complain("attach-socket %s is longer than a unix socket path may be", attach_path);
        return;
    }
    strcpy(addr.sun_path, attach_path);
    unlink(attach_path);   /* a socket of this task's earlier logger */
    listen_fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (listen_fd < 0 || bind(listen_fd, (struct sockaddr *) &addr, sizeof addr) != 0
            || chmod(attach_path, 0600) != 0 || listen(listen_fd, MAX_CLIENTS) != 0) {
        complain("cannot listen on %s: %s; nothing can attach", attach_path, strerror(errno));
        if (listen_fd >= 0) {
            close(listen_fd);
        }
        listen_fd = -1;
        return;
    }
    set_nonblocking(listen_fd);
}

static void accept_client(void) {
    int fd = accept(listen_fd, NULL, NULL);
    if (fd < 0) {
        return;
    }
    for (int i = 0; i < MAX_CLIENTS; i++) {
        if (clients[i].fd < 0) {
            clients[i].output = malloc(CLIENT_OUTPUT);
            clients[i].input = malloc(CLIENT_INPUT);
            if (clients[i].output == NULL || clients[i].input == NULL) {
                free(clients[i].output);
                free(clients[i].input);
                clients[i].output = clients[i].input = NULL;
                break;
            }
            set_nonblocking(fd);
            clients[i].fd = fd;
            clients[i].output_start = clients[i].output_used = 0;
            clients[i].input_start = clients[i].input_used = 0;
            return;
        }
    }
    close(fd);   /* MAX_CLIENTS attached already */
}

/* Every output byte to every client; one that is too far behind is let go. */
static void broadcast(const char *bytes, size_t n) {
    for (int i = 0; i < MAX_CLIENTS; i++) {
        struct client *c = &clients[i];
        if (c->fd < 0) {
            continue;
        }
        if (c->output_used + n > CLIENT_OUTPUT) {
            drop_client(c);
            continue;
        }
        if (c->output_start + c->output_used + n > CLIENT_OUTPUT) {
            memmove(c->output, c->output + c->output_start, c->output_used);
            c->output_start = 0;
        }
        memcpy(c->output + c->output_start + c->output_used, bytes, n);
        c->output_used += n;
    }
}

static void send_output(struct client *c) {
    ssize_t n = write(c->fd, c->output + c->output_start, c->output_used);
    if (n > 0) {
        c->output_start += (size_t) n;
        c->output_used -= (size_t) n;
        if (c->output_used == 0) {
            c->output_start = 0;
        }
    } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
        drop_client(c);
    }
}

static void receive_input(struct client *c) {
    if (c->input_start + c->input_used == CLIENT_INPUT) {
        memmove(c->input, c->input + c->input_start, c->input_used);
        c->input_start = 0;
    }
    ssize_t n = read(c->fd, c->input + c->input_start + c->input_used, CLIENT_INPUT - c->input_start - c->input_used);
    if (n > 0) {
        c->input_used += (size_t) n;
        if (stdin_fd < 0) {
            c->input_start = c->input_used = 0;   /* no stdin to give it to */
        }
    } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
        drop_client(c);   /* detached */
    }
}

/* Clients' input to the task's stdin, oldest client first, as much as the FIFO takes now. */
static void feed_stdin(void) {
    for (int i = 0; i < MAX_CLIENTS && stdin_fd >= 0; i++) {
        struct client *c = &clients[i];
        if (c->fd < 0 || c->input_used == 0) {
            continue;
        }
        ssize_t n = write(stdin_fd, c->input + c->input_start, c->input_used);
        if (n < 0) {
            if (errno != EAGAIN && errno != EINTR) {
                complain("cannot write the stdin FIFO: %s", strerror(errno));
                c->input_start = c->input_used = 0;
            }
            return;
        }
        c->input_start += (size_t) n;
        c->input_used -= (size_t) n;
        if (c->input_used > 0) {
            return;   /* the FIFO is full */
        }
        c->input_start = 0;
    }
}

/* Poll entries of the listener, the stdin FIFO and the clients, from fds[first]; returns how many. */
static int attach_poll_entries(struct pollfd *fds) {
    int n = 0;
    int pending_input = 0;
    fds[n].fd = listen_fd;
    fds[n++].events = POLLIN;
    for (int i = 0; i < MAX_CLIENTS; i++) {
        struct client *c = &clients[i];
        fds[n].fd = c->fd;
        fds[n].events = (short) ((c->input_used < CLIENT_INPUT ? POLLIN : 0) | (c->output_used > 0 ? POLLOUT : 0));
        n++;
        pending_input |= c->fd >= 0 && c->input_used > 0;
    }
    fds[n].fd = pending_input ? stdin_fd : -1;
    fds[n++].events = POLLOUT;
    return n;
}

static void attach_handle(struct pollfd *fds) {
    if (fds[0].fd >= 0 && (fds[0].revents & POLLIN)) {
        accept_client();
    }
    for (int i = 0; i < MAX_CLIENTS; i++) {
        short ready = fds[1 + i].revents;
        if (fds[1 + i].fd < 0 || clients[i].fd != fds[1 + i].fd || ready == 0) {
            continue;
        }
        if (ready & POLLOUT) {
            send_output(&clients[i]);
        }
        if (clients[i].fd >= 0 && (ready & (POLLIN | POLLHUP | POLLERR))) {
            receive_input(&clients[i]);
        }
    }
    feed_stdin();
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
    broadcast(s->line + s->used, (size_t) n);
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
        } else if (strcmp(key, "attach-socket") == 0) {
            attach_path = value;
        } else if (strcmp(key, "stdin") == 0) {
            stdin_path = value;
        } else {
            complain("unknown argument \"%s\" (known: file, max-size, max-files, attach-socket, stdin)", key);
            exit(2);
        }
    }
    if (log_path == NULL || log_path[0] != '/' || strlen(log_path) + 8 >= PATH_MAX) {
        complain("file must be an absolute path");
        exit(2);
    }
    if ((attach_path != NULL && attach_path[0] != '/') || (stdin_path != NULL && (stdin_path[0] != '/' || attach_path == NULL))) {
        complain("attach-socket and stdin must be absolute paths, and stdin comes with attach-socket");
        exit(2);
    }
    line_limit = (size_t) max_size - HEADER_MAX < LINE_MAX_BYTES ? (size_t) max_size - HEADER_MAX : LINE_MAX_BYTES;
}

/* PATH.ended: the task's output reached its end and all of it is in the log (a reader of the run stops there). */
static void mark_ended(void) {
    struct stat named, written;
    if (stat(log_path, &named) != 0 || log_fd < 0 || fstat(log_fd, &written) != 0
            || named.st_ino != written.st_ino || named.st_dev != written.st_dev) {
        return;   /* deleted with its container, or a new run's file took the name: not this run's to mark */
    }
    char ended[PATH_MAX];
    snprintf(ended, sizeof ended, "%s.ended", log_path);
    int fd = open(ended, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno != ENOENT) {
            complain("cannot create %s: %s", ended, strerror(errno));
        }
        return;
    }
    close(fd);
}

int main(int argc, char **argv) {
    parse_pairs(argc, argv);
    signal(SIGTERM, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    umask(077);   /* the shim's umask is its own: logs are root's only */
    int ready_fd = fcntl(5, F_GETFD) != -1;   /* the shim's; absent when run by hand */
    for (int i = 0; i < MAX_CLIENTS; i++) {
        clients[i].fd = -1;
    }
    if (attach_path != NULL) {
        if (stdin_path != NULL) {
            open_stdin();
        }
        listen_attach();
    }
    if (open_log() != 0) {
        complain("cannot open %s: %s", log_path, strerror(errno));
    }
    if (ready_fd) {
        close(5);   /* ready: the shim goes on, and clients can attach */
    }

    static struct stream streams[2];
    streams[0].fd = 3;
    streams[0].name = "stdout";
    streams[1].fd = 4;
    streams[1].name = "stderr";
    struct pollfd fds[2 + 1 + MAX_CLIENTS + 1];
    int open_streams = 0;
    for (int i = 0; i < 2; i++) {
        fds[i].fd = fcntl(streams[i].fd, F_GETFD) == -1 ? -1 : streams[i].fd;
        fds[i].events = POLLIN;
        open_streams += fds[i].fd >= 0;
    }
    while (open_streams > 0) {
        int count = 2 + (attach_path != NULL ? attach_poll_entries(fds + 2) : 0);
        if (poll(fds, (nfds_t) count, -1) < 0) {
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
        if (attach_path != NULL) {
            attach_handle(fds + 2);
        }
    }
    flush_out();
    for (int i = 0; i < MAX_CLIENTS; i++) {
        while (clients[i].fd >= 0 && clients[i].output_used > 0) {
            struct pollfd last = {clients[i].fd, POLLOUT, 0};
            if (poll(&last, 1, 100) <= 0) {
                break;   /* the end of the output: a client that does not take it at once gets no more */
            }
            send_output(&clients[i]);
        }
    }
    if (listen_fd >= 0) {
        unlink(attach_path);
    }
    if (dropped > 0) {
        complain("%lu records were dropped", dropped);
    }
    mark_ended();
    return 0;
}
