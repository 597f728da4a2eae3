#pragma once
// Everything an application needs: #include <duplex/duplex.hpp>.

#include "duplex/backend.hpp"
#include "duplex/blob.hpp"
#include "duplex/errc.hpp"
#include "duplex/error.hpp"
#include "duplex/event.hpp"
#include "duplex/options.hpp"
#include "duplex/reconnecting_websocket.hpp"
#include "duplex/task.hpp"
#include "duplex/url.hpp"
#include "duplex/websocket.hpp"
#include "duplex/websocket_stream.hpp"
