#pragma once
// A cap on what the requests of one executor may cost, consulted as requests are sent. The
// executor knows nothing of prices: the gate (run/cost_cap.hpp) estimates and settles.
//
// Threading: every call is made on the executor's loop thread.

#include "llmbench/http/types.hpp"

namespace llmbench::http {

class SpendGate {
 public:
  virtual ~SpendGate() = default;

  // The most `request` may cost, in USD, before it is sent (>= 0).
  virtual double estimate_usd(const ApiRequest& request) const = 0;

  // Called before a request's first attempt, with its estimate. true: the request is sent, and
  // its estimate counts as spend in flight until settle(). false: it is not sent, and the
  // executor stops as after request_stop() (what waits is cancelled; requests in flight get the
  // stop grace). Retries of a request admitted are not asked again.
  virtual bool admit(double estimate_usd) = 0;

  // A request admitted has ended (after all its attempts, or cancelled): its estimate leaves the
  // spend in flight and what it cost, from `record`'s usage, joins the spend so far.
  virtual void settle(double estimate_usd, const ApiRequest& request, const RequestRecord& record) = 0;
};

}  // namespace llmbench::http
