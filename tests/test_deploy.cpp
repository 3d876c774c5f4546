// The ready-made deployments of deploy/ (a Kubernetes Indexed Job and its merge Job, a GitHub
// Actions matrix workflow), checked for the fields a sharded run depends on. No network: a
// structural check of the YAML, not a cluster.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "llmbench/util/yaml.hpp"

using namespace llmbench;

namespace {

YAML::Node load(const std::string& relative) {
  return util::load_yaml_file(std::string(LLMBENCH_SOURCE_DIR) + "/deploy/" + relative);
}

// Every string scalar under `node`, joined by spaces: where a flag may sit (args, run steps).
std::string text_of(const YAML::Node& node) {
  if (node.IsScalar()) return node.as<std::string>() + " ";
  std::string out;
  if (node.IsSequence()) {
    for (const auto& child : node) out += text_of(child);
  } else if (node.IsMap()) {
    for (const auto& kv : node) out += text_of(kv.second);
  }
  return out;
}

// The container's env: each key variable comes from a Secret, never a literal value.
void check_secret_env(const YAML::Node& container) {
  const YAML::Node env = container["env"];
  REQUIRE(env.IsSequence());
  int from_secret = 0;
  for (const auto& var : env) {
    INFO(var["name"].as<std::string>());
    const std::string name = var["name"].as<std::string>();
    if (name.find("API_KEY") == std::string::npos) continue;
    CHECK(!var["value"]);
    REQUIRE(var["valueFrom"]["secretKeyRef"]["name"]);
    CHECK(var["valueFrom"]["secretKeyRef"]["key"].as<std::string>() == name);
    ++from_secret;
  }
  CHECK(from_secret > 0);
}

// The pod mounts the results volume at /results, and the volume is declared.
void check_results_volume(const YAML::Node& pod) {
  const YAML::Node container = pod["containers"][0];
  bool mounted = false;
  for (const auto& m : container["volumeMounts"]) mounted |= m["mountPath"].as<std::string>() == "/results";
  CHECK(mounted);
  bool declared = false;
  for (const auto& v : pod["volumes"]) declared |= v["name"].as<std::string>() == "results" && v["persistentVolumeClaim"];
  CHECK(declared);
}

}  // namespace

TEST_CASE("deploy: the Kubernetes shard Job is Indexed, one pod per shard, --shard from its completion index",
          "[deploy]") {
  const YAML::Node job = load("kubernetes/shards-job.yaml");
  CHECK(job["apiVersion"].as<std::string>() == "batch/v1");
  CHECK(job["kind"].as<std::string>() == "Job");
  const YAML::Node spec = job["spec"];
  CHECK(spec["completionMode"].as<std::string>() == "Indexed");
  const int n = spec["completions"].as<int>();
  CHECK(n > 1);
  CHECK(spec["parallelism"].as<int>() == n);
  const YAML::Node pod = spec["template"]["spec"];
  CHECK(pod["restartPolicy"].as<std::string>() == "Never");
  const YAML::Node container = pod["containers"][0];
  const std::string command = text_of(container["command"]) + text_of(container["args"]);
  CHECK(command.find("llmbench run --shard $JOB_COMPLETION_INDEX/" + std::to_string(n)) != std::string::npos);
  CHECK(command.find("--run-id") != std::string::npos);
  CHECK(command.find("--output-dir \"$OUT\"") != std::string::npos);
  CHECK(command.find("OUT=/results/shard-$JOB_COMPLETION_INDEX") != std::string::npos);
  check_secret_env(container);
  check_results_volume(pod);
}

TEST_CASE("deploy: the Kubernetes merge Job merges every shard's dir from the same volume", "[deploy]") {
  const int n = load("kubernetes/shards-job.yaml")["spec"]["completions"].as<int>();
  const YAML::Node job = load("kubernetes/merge-job.yaml");
  CHECK(job["kind"].as<std::string>() == "Job");
  const YAML::Node pod = job["spec"]["template"]["spec"];
  const YAML::Node container = pod["containers"][0];
  CHECK(container["command"][0].as<std::string>() == "llmbench");
  const YAML::Node args = container["args"];
  CHECK(args[0].as<std::string>() == "merge");
  std::vector<std::string> dirs;
  for (const auto& a : args) {
    if (a.as<std::string>().rfind("/results/shard-", 0) == 0) dirs.push_back(a.as<std::string>());
  }
  REQUIRE(dirs.size() == static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) CHECK(dirs[i] == "/results/shard-" + std::to_string(i));
  // Merge reads neither a config nor a key: the Job gets no Secret.
  CHECK(!container["env"]);
  for (const auto& a : args) CHECK(a.as<std::string>() != "--config");
  check_results_volume(pod);
}

TEST_CASE("deploy: the GitHub Actions workflow shards in a matrix, merges after it and uploads the report",
          "[deploy]") {
  const YAML::Node wf = load("github-actions/llmbench-sharded.yml");
  const YAML::Node shard = wf["jobs"]["shard"];
  const YAML::Node indices = shard["strategy"]["matrix"]["index"];
  REQUIRE(indices.IsSequence());
  const int n = wf["env"]["SHARDS"].as<int>();
  REQUIRE(indices.size() == static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) CHECK(indices[i].as<int>() == i);
  const std::string shard_steps = text_of(shard["steps"]);
  CHECK(shard_steps.find("run --shard ${{ matrix.index }}/${{ env.SHARDS }} --run-id") != std::string::npos);
  CHECK(shard_steps.find("actions/upload-artifact@") != std::string::npos);

  const YAML::Node merge = wf["jobs"]["merge"];
  CHECK(merge["needs"].as<std::string>() == "shard");
  bool merges = false, uploads_report = false;
  for (const auto& step : merge["steps"]) {
    if (step["run"] && step["run"].as<std::string>().find("llmbench merge") != std::string::npos) {
      merges = true;
      CHECK(!step["env"]);  // no keys for merge
    }
    if (step["uses"] && step["uses"].as<std::string>().rfind("actions/upload-artifact@", 0) == 0) {
      uploads_report = step["with"]["path"].as<std::string>() == "merged/report.html";
    }
  }
  CHECK(merges);
  CHECK(uploads_report);
  // Keys come from the repository's secrets, never from the file.
  CHECK(text_of(wf).find("${{ secrets.OPENAI_API_KEY }}") != std::string::npos);
}
