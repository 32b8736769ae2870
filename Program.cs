using System.Diagnostics;
using System.Text;
using StackExchange.Redis;
RedisValue bytesName = Encoding.ASCII.GetBytes("traceparent");
RedisValue strName = "order-id";
RedisValue strSame = "traceparent";
RedisValue bytesOther = Encoding.ASCII.GetBytes("order-id");
bool r = false;
foreach (var (label, a, b) in new[]{("str vs bytes", strName, bytesName), ("str(same) vs bytes", strSame, bytesName), ("bytes vs bytes", bytesOther, bytesName)}) {
  for (int w = 0; w < 2; w++) {
    var sw = Stopwatch.StartNew(); long before = GC.GetAllocatedBytesForCurrentThread();
    for (int i = 0; i < 2_000_000; i++) r ^= a == b;
    Console.WriteLine($"{typeof(RedisValue).Assembly.GetName().Version} {label}: {sw.Elapsed.TotalMilliseconds * 1e6 / 2_000_000:0.0} ns, {(GC.GetAllocatedBytesForCurrentThread()-before)/2_000_000.0:0.0} B/op");
  }
}
Console.WriteLine(r);
