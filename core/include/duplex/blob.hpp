#pragma once
// Binary message payloads: Blob and ArrayBuffer, as in the WHATWG API.

#include <cstddef>
#include <memory>
#include <span>
#include <string>

namespace duplex {

/// Owned, mutable bytes: what a binary message is when `binary_type()` is
/// "arraybuffer". Storage is a std::string so payloads move without copies.
class ArrayBuffer {
 public:
  ArrayBuffer() = default;
  /// Takes the bytes of `bytes` (moved, not copied).
  explicit ArrayBuffer(std::string bytes) : bytes_(std::move(bytes)) {}
  /// Copies `bytes`.
  explicit ArrayBuffer(std::span<const std::byte> bytes)
      : bytes_(reinterpret_cast<const char*>(bytes.data()), bytes.size()) {}

  std::size_t byte_length() const noexcept { return bytes_.size(); }
  std::span<const std::byte> bytes() const noexcept { return std::as_bytes(std::span(bytes_)); }
  std::span<std::byte> bytes() noexcept { return std::as_writable_bytes(std::span(bytes_)); }
  /// The bytes as a string (no copy); moving out leaves the buffer empty.
  const std::string& str() const& noexcept { return bytes_; }
  std::string str() && noexcept { return std::move(bytes_); }

 private:
  std::string bytes_;
};

/// Immutable bytes with a MIME type: what a binary message is when
/// `binary_type()` is "blob" (the default). Copies share the bytes.
class Blob {
 public:
  Blob() : bytes_(std::make_shared<const std::string>()) {}
  /// Takes `bytes` (moved) with the MIME type `type` (may be empty).
  explicit Blob(std::string bytes, std::string type = {})
      : bytes_(std::make_shared<const std::string>(std::move(bytes))), type_(std::move(type)) {}
  /// Copies `bytes`.
  explicit Blob(std::span<const std::byte> bytes, std::string type = {})
      : Blob(std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()), std::move(type)) {}

  std::size_t size() const noexcept { return bytes_->size(); }
  const std::string& type() const noexcept { return type_; }
  std::span<const std::byte> bytes() const noexcept { return std::as_bytes(std::span(*bytes_)); }
  /// The bytes as a string (no copy).
  const std::string& str() const noexcept { return *bytes_; }

 private:
  std::shared_ptr<const std::string> bytes_;
  std::string type_;
};

}  // namespace duplex
