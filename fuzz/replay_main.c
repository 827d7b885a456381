/* replay_main.c - main() for fuzz targets in normal builds: runs LLVMFuzzerTestOneInput
 * over every file of the given directories (not recursively) and files, so a committed
 * corpus is a regression suite. Each input is read into a buffer of exactly its size,
 * so sanitizers see any read past the end. Exits 0 when at least one input ran and
 * none crashed (a crash aborts the process); 1 when a path is missing or unreadable or
 * no input was found. Single-threaded. */
#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

#define REPLAY_FILE_MAX (64L << 20)

/* Runs the target on one file. Returns 0 on success, -1 if the file cannot be read. */
static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    long size;
    int rc = -1;

    if (f == NULL) {
        perror(path);
        return -1;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || size > REPLAY_FILE_MAX ||
        fseek(f, 0, SEEK_SET) != 0) {
        fprintf(stderr, "%s: cannot size file\n", path);
        goto out;
    }
    buf = malloc(size > 0 ? (size_t)size : 1);
    if (buf == NULL) {
        fprintf(stderr, "%s: out of memory\n", path);
        goto out;
    }
    if (size > 0 && fread(buf, 1, (size_t)size, f) != (size_t)size) {
        fprintf(stderr, "%s: short read\n", path);
        goto out;
    }
    (void)LLVMFuzzerTestOneInput(buf, (size_t)size); /* its result carries no meaning */
    rc = 0;
out:
    free(buf);
    (void)fclose(f); /* read-only: nothing to lose on close */
    return rc;
}

/* Replays every regular, non-hidden file of dir. Returns the count, or -1 on error. */
static long replay_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *ent;
    long count = 0;

    if (d == NULL) {
        perror(dir);
        return -1;
    }
    while ((ent = readdir(d)) != NULL) {
        char path[4096];
        struct stat st;
        int w;

        if (ent->d_name[0] == '.')
            continue;
        w = snprintf(path, sizeof(path), "%s/%s", dir, ent->d_name);
        if (w < 0 || (size_t)w >= sizeof(path) || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        if (replay_file(path) != 0) {
            count = -1;
            break;
        }
        count++;
    }
    (void)closedir(d); /* read-only directory stream */
    return count;
}

int main(int argc, char **argv)
{
    long total = 0;

    if (argc < 2) {
        fprintf(stderr, "usage: %s DIR|FILE...\n", argv[0]);
        return 1;
    }
    for (int i = 1; i < argc; i++) {
        struct stat st;
        long n;

        if (stat(argv[i], &st) != 0) {
            perror(argv[i]);
            return 1;
        }
        n = S_ISDIR(st.st_mode) ? replay_dir(argv[i]) : (replay_file(argv[i]) == 0 ? 1 : -1);
        if (n < 0)
            return 1;
        total += n;
    }
    if (total == 0) {
        fprintf(stderr, "fuzz replay: no inputs found\n");
        return 1;
    }
    printf("fuzz replay: %ld inputs, %ld passed, 0 failed\n", total, total);
    return 0;
}
