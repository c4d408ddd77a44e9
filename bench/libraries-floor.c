/* What Debian's libcurl4 and libpq5 alone keep resident: a C program that makes the agent's calls
 * (an HTTP request per second, one Postgres query) and prints its VmRSS. bench/agent.sh compares the
 * agent's idle RSS with it in the same run.  usage: libraries-floor URL [DATABASE_URL] */
#include <curl/curl.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static size_t discard(char *data, size_t size, size_t count, void *user) {
    (void)data; (void)user;
    return size * count;
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURL *curl = curl_easy_init();
    curl_easy_setopt(curl, CURLOPT_URL, argv[1]);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
    for (int i = 0; i < 3; i++) {
        curl_easy_perform(curl);
        sleep(1);
    }
    if (argc > 2) {
        PGconn *connection = PQconnectdb(argv[2]);
        PQclear(PQexec(connection, "SELECT 1"));
        PQfinish(connection);
    }
    FILE *status = fopen("/proc/self/status", "r");
    char line[256];
    while (status && fgets(line, sizeof line, status))
        if (!strncmp(line, "VmRSS:", 6)) fputs(line, stdout);
    return 0;
}
