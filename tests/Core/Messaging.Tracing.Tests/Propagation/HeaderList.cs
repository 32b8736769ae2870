using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace Messaging.Tracing.Tests.Propagation;

/// <summary>A Kafka-like carrier: ordered byte-valued headers, duplicates allowed.</summary>
public sealed class HeaderList : List<KeyValuePair<string, byte[]>>
{
    public void Add(string key, string value) => Add(new KeyValuePair<string, byte[]>(key, Encoding.UTF8.GetBytes(value)));

    public string[] Values(string key) => this.Where(h => h.Key == key).Select(h => Encoding.UTF8.GetString(h.Value)).ToArray();
}
