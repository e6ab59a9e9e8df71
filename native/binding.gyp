{
  "targets": [
    {
      "target_name": "virtwarden_libvirt",
      "sources": [
        "src/addon.cc",
        "src/job.cc",
        "src/connection.cc",
        "src/host.cc",
        "src/domain-list.cc",
        "src/domain.cc",
        "src/metadata.cc",
        "src/migrate.cc",
        "src/pools.cc",
        "src/volumes.cc",
        "src/events.cc",
        "src/quiet.cc",
        "src/convert.cc"
      ],
      "include_dirs": ["<!@(node -p \"require('node-addon-api').include\")"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra", "-Wno-unused-parameter", "<!@(pkg-config --cflags libvirt libvirt-qemu)"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "libraries": ["<!@(pkg-config --libs libvirt libvirt-qemu)"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED", "NAPI_CPP_EXCEPTIONS"]
    },
    {
      "target_name": "virtwarden_flock",
      "sources": ["src/flock.cc"],
      "include_dirs": ["<!@(node -p \"require('node-addon-api').include\")"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED", "NAPI_CPP_EXCEPTIONS"]
    }
  ]
}
