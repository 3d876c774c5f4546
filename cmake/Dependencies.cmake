# Every dependency is a Debian 12 package (see README "Install").
find_package(CLI11 REQUIRED)
find_package(nlohmann_json REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(CURL 7.80 REQUIRED)  # CURLOPT_PREREQFUNCTION (the actual send time); Debian 12 has 7.88
find_package(SQLite3 REQUIRED)
find_package(BZip2 REQUIRED)  # HellaSwag ships as .bz2 and is read in code
find_package(ZLIB REQUIRED)   # HumanEval ships as .jsonl.gz and is read in code
find_package(OpenSSL 3 REQUIRED COMPONENTS Crypto)  # SHA-256 (util/sha256.hpp); libcurl4-openssl-dev brings it
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
# Unicode character data (categories, case folding, normalization) for text metrics
pkg_check_modules(UTF8PROC REQUIRED IMPORTED_TARGET libutf8proc)
# Ed25519 signatures and SHA-256 of signed result bundles (report/bundle.hpp)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
